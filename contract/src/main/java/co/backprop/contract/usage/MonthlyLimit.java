package co.backprop.contract.usage;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * How many compute seconds an account may use in a calendar month (UTC), or no limit. The API's
 * free tier is 1000.
 *
 * @param seconds the limit, or null for none
 */
public record MonthlyLimit(Double seconds) {
  public static final MonthlyLimit FREE_TIER = new MonthlyLimit(1000.0);
  public static final MonthlyLimit UNLIMITED = new MonthlyLimit(null);

  public MonthlyLimit {
    if (seconds != null && !(seconds >= 0 && Double.isFinite(seconds))) {
      throw new IllegalArgumentException(
          "a monthly limit is 0 or more compute seconds, or unlimited; got " + seconds);
    }
  }

  /** {@code 1000}, {@code 2.5} or {@code unlimited}, as the command line takes it. */
  public static MonthlyLimit parse(String text) {
    if (text.trim().equalsIgnoreCase("unlimited")) {
      return UNLIMITED;
    }
    try {
      return new MonthlyLimit(Double.parseDouble(text.trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--monthly-seconds must be a number of compute seconds or 'unlimited'; got '"
              + text
              + "'");
    }
  }

  public boolean unlimited() {
    return seconds == null;
  }

  /** Seconds left after {@code used}; infinite when unlimited, never below 0. */
  public double left(double used) {
    return unlimited() ? Double.POSITIVE_INFINITY : Math.max(0, seconds - used);
  }

  public boolean reachedBy(double used) {
    return !unlimited() && used >= seconds;
  }

  /** The usage period ({@code yyyy-MM}, UTC) an instant falls in: how the ledger files usage. */
  public static String period(Instant instant) {
    return YearMonth.from(instant.atZone(ZoneOffset.UTC)).toString();
  }

  /** When the period of an instant ends and its limit starts afresh. */
  public static Instant resetsAt(Instant instant) {
    return YearMonth.from(instant.atZone(ZoneOffset.UTC))
        .plusMonths(1)
        .atDay(1)
        .atStartOfDay(ZoneOffset.UTC)
        .toInstant();
  }

  @Override
  public String toString() {
    return unlimited()
        ? "unlimited"
        : String.format(Locale.ROOT, "%.0f compute seconds a month", seconds);
  }
}
