package co.backprop.store;

import co.backprop.contract.usage.UsageRow;
import java.util.List;

/** Compute seconds billed per account, period, task and model; each source is counted once. */
public interface UsageLedger {
  /**
   * The usage source of one job run: its results path and start time, as its summary records them.
   * A worker bills under it and `usage import` of the same output finds it, so the run counts once.
   */
  static String runSource(String resultsPath, String started) {
    return resultsPath + "@" + started;
  }

  /**
   * Records usage under a source once: recording the same source again changes nothing. Returns the
   * rows added.
   */
  int record(String source, List<UsageRow> usage);

  /** An account's usage in a period ({@code yyyy-MM}), summed by task and model. */
  List<UsageRow> usage(String account, String period);

  /** Compute seconds recorded on one day (UTC). */
  record DailyUsage(java.time.LocalDate day, double computeSeconds) {}

  /**
   * An account's compute seconds in a period by the day they were recorded (UTC), oldest first;
   * days without usage are left out.
   */
  List<DailyUsage> daily(String account, String period);

  /** The compute seconds an account used in a period. */
  double used(String account, String period);
}
