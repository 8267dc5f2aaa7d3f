package co.backprop.frontdoor.tenancy;

import co.backprop.contract.usage.MonthlyLimit;
import co.backprop.store.Accounts;
import co.backprop.store.UsageLedger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Monthly compute limits: where an account stands this month, and refusing work past its limit.
 * Checked on every call, from a view of the ledger kept in memory: read from the store at most
 * every {@code fresh} per account (workers and other front doors bill there too), with what this
 * front door billed since added as it happens.
 */
public final class Quotas {
  /** An account's month: its limit, what it used, and when the period starts afresh. */
  public record Standing(
      String account, String period, MonthlyLimit limit, double used, Instant resetsAt) {
    public double left() {
      return limit.left(used);
    }

    public boolean reached() {
      return limit.reachedBy(used);
    }
  }

  // Freshness is elapsed real time, not the clock: the clock says which month it is, and a test
  // clock that stands still must not keep a stale view forever.
  private record View(String period, MonthlyLimit limit, double used, long readAtNanos) {}

  private final Accounts accounts;
  private final UsageLedger ledger;
  private final Clock clock;
  private final Duration fresh;
  private final Map<String, View> views = new ConcurrentHashMap<>();

  public Quotas(Accounts accounts, UsageLedger ledger, Clock clock, Duration fresh) {
    this.accounts = accounts;
    this.ledger = ledger;
    this.clock = clock;
    this.fresh = fresh;
  }

  public Standing standing(String account) {
    Instant now = clock.instant();
    String period = MonthlyLimit.period(now);
    View view = views.get(account);
    if (view == null
        || !view.period().equals(period)
        || System.nanoTime() - view.readAtNanos() > fresh.toNanos()) {
      MonthlyLimit limit =
          accounts.account(account).map(a -> a.monthlyLimit()).orElse(MonthlyLimit.FREE_TIER);
      view = new View(period, limit, ledger.used(account, period), System.nanoTime());
      views.put(account, view);
    }
    return new Standing(account, period, view.limit(), view.used(), MonthlyLimit.resetsAt(now));
  }

  /** Adds what this front door just billed to its view, so the next call sees it at once. */
  public void charged(String account, String period, double seconds) {
    views.computeIfPresent(
        account,
        (name, view) ->
            view.period().equals(period)
                ? new View(view.period(), view.limit(), view.used() + seconds, view.readAtNanos())
                : view);
  }

  /** Refuses (429) when the account has used its compute seconds for this month. */
  public void requireRoom(String account) {
    Standing standing = standing(account);
    if (standing.reached()) {
      throw new Refused(
          Refused.Reason.LIMIT,
          String.format(
              Locale.ROOT,
              "monthly limit reached: %s used %.3f of its %.0f compute seconds in %s; the limit"
                  + " resets at %s",
              account,
              standing.used(),
              standing.limit().seconds(),
              standing.period(),
              standing.resetsAt()));
    }
  }
}
