package co.backprop.jobs.usage;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import co.backprop.jobs.formats.ResultColumns;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Usage per (account, period, task, model): {@code requests} = ok rows, {@code compute_seconds} =
 * the sum of their {@code compute_ms}. Computed from the committed results, so a retried Spark task
 * (whose first attempt's output was discarded) is never billed twice.
 */
public final class UsageTally {
  public record Usage(
      String account,
      String period,
      String task,
      String model,
      long requests,
      @JsonProperty("compute_seconds") double computeSeconds)
      implements Serializable {}

  private UsageTally() {}

  /** One group of written result rows: the same status, account, task, model and device. */
  public record Group(
      String status,
      String account,
      String task,
      String model,
      String device,
      long rows,
      double computeMs) {}

  /**
   * Counts the written results in one pass: rows and compute by (status, account, task, model,
   * device). Table results have no account and task columns: every row has the job's.
   *
   * @param account the account of every row (table mode), or null to read the column
   * @param task the task of every row (table mode), or null to read the column
   */
  public static List<Group> groups(Dataset<Row> results, String account, String task) {
    Column accountColumn = account == null ? col("account") : lit(account);
    Column taskColumn = task == null ? col("task") : lit(task);
    return results
        .groupBy(
            col(ResultColumns.STATUS),
            accountColumn.as("account"),
            taskColumn.as("task"),
            col(ResultColumns.MODEL),
            col(ResultColumns.DEVICE))
        .agg(count(lit(1)), sum(col(ResultColumns.COMPUTE_MS)))
        .collectAsList()
        .stream()
        .map(
            row ->
                new Group(
                    row.getString(0),
                    row.getString(1),
                    row.getString(2),
                    row.getString(3),
                    row.getString(4),
                    row.getLong(5),
                    row.isNullAt(6) ? 0 : row.getDouble(6)))
        .toList();
  }

  /** Usage of the ok rows by (account, task, model), ordered: requests and compute seconds. */
  public static List<Usage> usage(List<Group> groups, String period) {
    java.util.Map<List<String>, double[]> totals =
        new java.util.TreeMap<>(java.util.Comparator.comparing(List::toString));
    for (Group group : groups) {
      if (group.status().equals("ok")) {
        double[] total =
            totals.computeIfAbsent(
                List.of(group.account(), group.task(), group.model()), key -> new double[2]);
        total[0] += group.rows();
        total[1] += group.computeMs();
      }
    }
    return totals.entrySet().stream()
        .map(
            e ->
                new Usage(
                    e.getKey().get(0),
                    period,
                    e.getKey().get(1),
                    e.getKey().get(2),
                    (long) e.getValue()[0],
                    e.getValue()[1] / 1000.0))
        .toList();
  }
}
