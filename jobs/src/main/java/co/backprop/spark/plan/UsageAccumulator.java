package co.backprop.spark.plan;

import co.backprop.jobs.usage.UsageTally.Usage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.util.AccumulatorV2;

/**
 * Compute spent by Backprop functions, per (account, period, task, model): ok calls and the sum of
 * their {@code compute_ms} as the structs show it. Spark merges a task's updates once it succeeds,
 * so a failed attempt's rows are not counted; a query evaluated twice runs and bills twice.
 */
public final class UsageAccumulator extends AccumulatorV2<UsageAccumulator.Charge, List<Usage>> {
  /** One ok call. */
  public record Charge(String account, String period, String task, String model, double ms) {}

  private final Map<List<String>, double[]> totals = new HashMap<>();

  @Override
  public boolean isZero() {
    synchronized (totals) {
      return totals.isEmpty();
    }
  }

  @Override
  public UsageAccumulator copy() {
    UsageAccumulator copy = new UsageAccumulator();
    copy.mergeTotals(this);
    return copy;
  }

  @Override
  public void reset() {
    synchronized (totals) {
      totals.clear();
    }
  }

  @Override
  public void add(Charge charge) {
    synchronized (totals) {
      double[] total =
          totals.computeIfAbsent(
              List.of(charge.account(), charge.period(), charge.task(), charge.model()),
              key -> new double[2]);
      total[0] += 1;
      total[1] += charge.ms();
    }
  }

  @Override
  public void merge(AccumulatorV2<Charge, List<Usage>> other) {
    mergeTotals((UsageAccumulator) other);
  }

  private void mergeTotals(UsageAccumulator other) {
    Map<List<String>, double[]> theirs;
    synchronized (other.totals) {
      theirs = new HashMap<>();
      other.totals.forEach((key, value) -> theirs.put(key, value.clone()));
    }
    synchronized (totals) {
      theirs.forEach(
          (key, value) -> {
            double[] total = totals.computeIfAbsent(key, k -> new double[2]);
            total[0] += value[0];
            total[1] += value[1];
          });
    }
  }

  /** Usage rows as a job writes them, ordered by account, period, task, model. */
  @Override
  public List<Usage> value() {
    List<Usage> usage = new ArrayList<>();
    synchronized (totals) {
      totals.forEach(
          (key, total) ->
              usage.add(
                  new Usage(
                      key.get(0),
                      key.get(1),
                      key.get(2),
                      key.get(3),
                      (long) total[0],
                      total[1] / 1000.0)));
    }
    usage.sort(
        Comparator.comparing(Usage::account)
            .thenComparing(Usage::period)
            .thenComparing(Usage::task)
            .thenComparing(Usage::model));
    return usage;
  }
}
