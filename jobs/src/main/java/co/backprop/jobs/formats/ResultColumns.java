package co.backprop.jobs.formats;

import co.backprop.contract.task.Task;
import co.backprop.contract.task.TaskOutput;
import co.backprop.engines.pipeline.ItemResult;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The columns every result row gets, in order: {@code status, error}, the task's response field
 * ({@code vector}, {@code probabilities}, {@code answer} or {@code output}), {@code model, device,
 * compute_ms, truncated, input_hash} (see {@link InputHash}). The one place that knows their names
 * and types.
 */
public final class ResultColumns {
  public static final String STATUS = "status";
  public static final String ERROR = "error";
  public static final String MODEL = "model";
  public static final String DEVICE = "device";
  public static final String COMPUTE_MS = "compute_ms";
  public static final String TRUNCATED = "truncated";

  private ResultColumns() {}

  public static List<String> names(Task task) {
    return List.of(
        STATUS,
        ERROR,
        task.responseField(),
        MODEL,
        DEVICE,
        COMPUTE_MS,
        TRUNCATED,
        InputHash.COLUMN);
  }

  public static List<StructField> fields(Task task) {
    List<StructField> fields = new ArrayList<>();
    fields.add(DataTypes.createStructField(STATUS, DataTypes.StringType, false));
    fields.add(DataTypes.createStructField(ERROR, DataTypes.StringType, true));
    fields.add(DataTypes.createStructField(task.responseField(), responseType(task), true));
    fields.add(DataTypes.createStructField(MODEL, DataTypes.StringType, true));
    fields.add(DataTypes.createStructField(DEVICE, DataTypes.StringType, true));
    fields.add(DataTypes.createStructField(COMPUTE_MS, DataTypes.DoubleType, false));
    fields.add(DataTypes.createStructField(TRUNCATED, DataTypes.BooleanType, false));
    fields.add(DataTypes.createStructField(InputHash.COLUMN, DataTypes.StringType, true));
    return fields;
  }

  /**
   * The struct a SQL function call returns: {@code status, error}, the task's response field,
   * {@code model, compute_ms, truncated}.
   */
  public static StructType callStruct(Task task) {
    return DataTypes.createStructType(
        List.of(
            DataTypes.createStructField(STATUS, DataTypes.StringType, false),
            DataTypes.createStructField(ERROR, DataTypes.StringType, true),
            DataTypes.createStructField(task.responseField(), responseType(task), true),
            DataTypes.createStructField(MODEL, DataTypes.StringType, true),
            DataTypes.createStructField(COMPUTE_MS, DataTypes.DoubleType, false),
            DataTypes.createStructField(TRUNCATED, DataTypes.BooleanType, false)));
  }

  /** The values of {@link #callStruct} for one result. */
  public static Row callValues(ItemResult result) {
    return RowFactory.create(
        result.status(),
        result.error(),
        sparkValue(result.output()),
        result.model(),
        computeMs(result),
        result.truncated());
  }

  private static DataType responseType(Task task) {
    return switch (task) {
      case TEXT_VECTORISATION -> DataTypes.createArrayType(DataTypes.FloatType, false);
      case TEXT_CLASSIFICATION, IMAGE_CLASSIFICATION ->
          DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, false);
      default -> DataTypes.StringType;
    };
  }

  /** The result's values in the order of {@link #fields}. */
  public static Object[] values(ItemResult result, String inputHash) {
    return new Object[] {
      result.status(),
      result.error(),
      sparkValue(result.output()),
      result.model(),
      result.device(),
      computeMs(result),
      result.truncated(),
      inputHash
    };
  }

  /** Appends the result fields to a JSON object. */
  public static void put(ObjectNode target, Task task, ItemResult result, String inputHash) {
    target.put(STATUS, result.status());
    target.put(ERROR, result.error());
    if (task != null) {
      target.set(
          task.responseField(),
          result.output() == null ? target.nullNode() : result.output().toJson());
    }
    target.put(MODEL, result.model());
    target.put(DEVICE, result.device());
    target.put(COMPUTE_MS, computeMs(result));
    target.put(TRUNCATED, result.truncated());
    target.put(InputHash.COLUMN, inputHash);
  }

  /** Rounded to the microsecond as written, so usage summed from the written rows is exact. */
  public static double computeMs(ItemResult result) {
    return Math.round(result.computeMs() * 1000) / 1000.0;
  }

  private static Object sparkValue(TaskOutput output) {
    if (output == null) {
      return null;
    }
    if (output instanceof TaskOutput.Vector vector) {
      return vector.values();
    }
    if (output instanceof TaskOutput.Probabilities probabilities) {
      // Spark's row encoder takes a Scala map for a MapType column.
      return scala.jdk.javaapi.CollectionConverters.asScala(
          new java.util.LinkedHashMap<>(probabilities.values()));
    }
    if (output instanceof TaskOutput.Answer answer) {
      return answer.value();
    }
    if (output instanceof TaskOutput.Texts texts) {
      // A typed string column: several generations are written as their JSON list.
      return texts.toJson().toString();
    }
    return ((TaskOutput.Text) output).value();
  }
}
