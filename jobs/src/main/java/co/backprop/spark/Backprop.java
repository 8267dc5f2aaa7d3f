package co.backprop.spark;

import co.backprop.contract.job.TableSpec;
import co.backprop.contract.task.Json;
import co.backprop.contract.task.Task;
import co.backprop.jobs.usage.UsageTally.Usage;
import co.backprop.spark.plan.BackpropFunctions;
import co.backprop.spark.plan.BatchInferenceStrategy;
import co.backprop.spark.plan.CallSpec;
import co.backprop.spark.plan.ExtractBackpropCalls;
import co.backprop.spark.plan.SessionSettings;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.classic.ExpressionUtils;
import org.apache.spark.sql.execution.SparkStrategy;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Backprop tasks from Spark SQL and DataFrames, with the job's batching, error rows and metering:
 * {@link #register} adds the SQL functions to a running session, {@link #enrich} adds a result
 * column to a DataFrame, {@link #usage} reads what the session's calls spent.
 */
public final class Backprop {
  /** The column {@link #enrich} adds unless told otherwise. */
  public static final String DEFAULT_OUTPUT_COLUMN = "backprop";

  private Backprop() {}

  /**
   * Registers the functions and their planner rules in a session that was started without {@link
   * BackpropExtensions}; registering twice changes nothing.
   */
  public static void register(SparkSession spark) {
    var session = (org.apache.spark.sql.classic.SparkSession) spark;
    var registry = session.sessionState().functionRegistry();
    for (BackpropFunctions.Function function : BackpropFunctions.ALL) {
      registry.registerFunction(
          BackpropFunctions.identifier(function),
          BackpropFunctions.info(function),
          BackpropFunctions.builder(function));
    }
    boolean planned =
        CollectionConverters.asJava(session.sessionState().planner().strategies()).stream()
            .anyMatch(BatchInferenceStrategy.class::isInstance);
    if (planned) {
      // Started with BackpropExtensions: its rule and strategy are in place.
      return;
    }
    var experimental = session.experimental();
    List<Rule<LogicalPlan>> rules =
        new ArrayList<>(CollectionConverters.asJava(experimental.extraOptimizations()));
    if (rules.stream().noneMatch(ExtractBackpropCalls.class::isInstance)) {
      rules.add(new ExtractBackpropCalls());
      experimental.extraOptimizations_$eq(CollectionConverters.asScala(rules).toList());
    }
    List<SparkStrategy> strategies =
        new ArrayList<>(CollectionConverters.asJava(experimental.extraStrategies()));
    if (strategies.stream().noneMatch(BatchInferenceStrategy.class::isInstance)) {
      strategies.add(new BatchInferenceStrategy());
      experimental.extraStrategies_$eq(CollectionConverters.asScala(strategies).toList());
    }
  }

  /**
   * The rows with a column {@value #DEFAULT_OUTPUT_COLUMN} holding each row's result struct.
   *
   * @param task the task's API name, e.g. {@code text-vectorisation}
   * @param mapping body field → column (fields not given read the column named like them)
   */
  public static Dataset<Row> enrich(Dataset<Row> rows, String task, Map<String, String> mapping) {
    return enrich(rows, Task.fromApiName(task), mapping, Map.of(), null, DEFAULT_OUTPUT_COLUMN);
  }

  /**
   * The rows with {@code outputColumn} holding each row's result struct.
   *
   * @param mapping body field → column; a field neither mapped nor constant reads the column named
   *     like it, when there is one
   * @param constants body field → the JSON value every row gets
   * @param model the model, or null for the task's default
   */
  public static Dataset<Row> enrich(
      Dataset<Row> rows,
      Task task,
      Map<String, String> mapping,
      Map<String, String> constants,
      String model,
      String outputColumn) {
    register(rows.sparkSession());
    List<String> fields = TableSpec.requestFields(task);
    for (String field : concat(mapping.keySet(), constants.keySet())) {
      if (!fields.contains(field)) {
        throw new IllegalArgumentException(
            "unknown field '"
                + field
                + "' for "
                + task.apiName()
                + "; its fields are: "
                + String.join(", ", fields));
      }
    }
    List<String> columns = Arrays.asList(rows.columns());
    Map<String, String> fieldColumns = new LinkedHashMap<>();
    for (String field : fields) {
      String column = mapping.get(field);
      if (column == null && !constants.containsKey(field) && columns.contains(field)) {
        column = field;
      }
      if (column != null) {
        if (!columns.contains(column)) {
          throw new IllegalArgumentException(
              "the rows have no column '"
                  + column
                  + "' for the field "
                  + field
                  + "; their columns are: "
                  + String.join(", ", columns));
        }
        fieldColumns.put(field, column);
      }
    }
    Map<String, JsonNode> constantFields = new LinkedHashMap<>();
    constants.forEach((field, json) -> constantFields.put(field, parse(field, json)));
    List<CallSpec.Argument> arguments = new ArrayList<>();
    List<Expression> values = new ArrayList<>();
    fieldColumns.forEach(
        (field, column) -> {
          arguments.add(CallSpec.Argument.field(field));
          values.add(ExpressionUtils.expression(rows.col(quoted(column))));
        });
    CallSpec spec =
        new CallSpec(
            "backprop_" + task.apiName().replace('-', '_'), task, model, arguments, constantFields);
    Column result = ExpressionUtils.column(BackpropFunctions.call(spec, values));
    return rows.withColumn(outputColumn, result);
  }

  /** Compute spent by this session's Backprop calls so far, per account, month, task and model. */
  public static List<Usage> usage(SparkSession spark) {
    return SessionSettings.usage(spark).value();
  }

  private static List<String> concat(java.util.Set<String> a, java.util.Set<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static JsonNode parse(String field, String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(
          "the value of " + field + " must be JSON but got " + json + ": " + e.getMessage(), e);
    }
  }

  private static String quoted(String column) {
    return "`" + column.replace("`", "``") + "`";
  }
}
