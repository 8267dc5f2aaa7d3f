package co.backprop.jobs.usage;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import co.backprop.jobs.output.ResultColumns;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Usage per (account, period, task, model): {@code requests} = ok rows, {@code compute_seconds} =
 * the sum of their {@code compute_ms}. Computed from the committed results, so a retried Spark
 * task (whose first attempt's output was discarded) is never billed twice.
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

  /**
   * @param results the written results, with {@code status}, {@code model}, {@code compute_ms} and,
   *     unless given as constants, {@code account} and {@code task}
   * @param account the account of every row (table mode), or null to read the column
   * @param task the task of every row (table mode), or null to read the column
   */
  public static Dataset<Row> tally(Dataset<Row> results, String period, String account, String task) {
    Column accountColumn = account == null ? col("account") : lit(account);
    Column taskColumn = task == null ? col("task") : lit(task);
    return results
        .filter(col(ResultColumns.STATUS).equalTo("ok"))
        .groupBy(accountColumn.as("account"), lit(period).as("period"), taskColumn.as("task"), col(ResultColumns.MODEL).as("model"))
        .agg(count(lit(1)).as("requests"), sum(col(ResultColumns.COMPUTE_MS)).divide(1000.0).as("compute_seconds"))
        .orderBy("account", "task", "model");
  }

  public static List<Usage> collect(Dataset<Row> usage) {
    return usage.collectAsList().stream()
        .map(row -> new Usage(row.getString(0), row.getString(1), row.getString(2), row.getString(3), row.getLong(4), row.getDouble(5)))
        .toList();
  }
}
