package co.backprop.jobs.usage;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import co.backprop.contract.task.Json;
import co.backprop.jobs.formats.ResultColumns;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
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

  /**
   * The same groups as {@link #groups(Dataset, String, String)} from results written as JSON lines,
   * read with a streaming JSON parser in one pass of the lines: no Spark SQL, whose first query in
   * a process costs seconds of planning and code generation, more than a local job's whole tally.
   */
  public static List<Group> groups(JavaRDD<String> lines, String account, String task) {
    Map<Key, Sums> totals =
        lines
            .mapPartitions(partition -> List.of(partial(partition, account, task)).iterator())
            .fold(new HashMap<>(), UsageTally::merged);
    return totals.entrySet().stream()
        .map(
            e ->
                new Group(
                    e.getKey().status(),
                    e.getKey().account(),
                    e.getKey().task(),
                    e.getKey().model(),
                    e.getKey().device(),
                    e.getValue().rows,
                    e.getValue().computeMs))
        .toList();
  }

  /** A group's columns, as {@link Group} has them. */
  private record Key(String status, String account, String task, String model, String device)
      implements Serializable {}

  private static final class Sums implements Serializable {
    long rows;
    double computeMs;
  }

  private static HashMap<Key, Sums> partial(Iterator<String> lines, String account, String task)
      throws IOException {
    HashMap<Key, Sums> totals = new HashMap<>();
    while (lines.hasNext()) {
      String status = null;
      String rowAccount = account;
      String rowTask = task;
      String model = null;
      String device = null;
      double computeMs = 0;
      try (JsonParser parser = Json.MAPPER.getFactory().createParser(lines.next())) {
        if (parser.nextToken() == JsonToken.START_OBJECT) {
          while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
              case ResultColumns.STATUS -> status = text(parser, value);
              case ResultColumns.MODEL -> model = text(parser, value);
              case ResultColumns.DEVICE -> device = text(parser, value);
              case ResultColumns.COMPUTE_MS ->
                  computeMs = value.isNumeric() ? parser.getDoubleValue() : 0;
              case "account" -> rowAccount = account == null ? text(parser, value) : account;
              case "task" -> rowTask = task == null ? text(parser, value) : task;
              default -> parser.skipChildren();
            }
          }
        }
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        // Not a result line: all its columns null, neither ok nor error, as Spark's reader has it.
        status = null;
        rowAccount = account;
        rowTask = task;
        model = null;
        device = null;
        computeMs = 0;
      }
      Sums sums =
          totals.computeIfAbsent(
              new Key(status, rowAccount, rowTask, model, device), key -> new Sums());
      sums.rows++;
      sums.computeMs += computeMs;
    }
    return totals;
  }

  /** A scalar's text, as Spark reads one into a string column; null for null and containers. */
  private static String text(JsonParser parser, JsonToken value) throws IOException {
    if (value.isScalarValue() && value != JsonToken.VALUE_NULL) {
      return parser.getText();
    }
    parser.skipChildren();
    return null;
  }

  private static HashMap<Key, Sums> merged(HashMap<Key, Sums> one, HashMap<Key, Sums> other) {
    other.forEach(
        (key, sums) -> {
          Sums total = one.computeIfAbsent(key, k -> new Sums());
          total.rows += sums.rows;
          total.computeMs += sums.computeMs;
        });
    return one;
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
