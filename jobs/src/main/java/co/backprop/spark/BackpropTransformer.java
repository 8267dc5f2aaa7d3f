package co.backprop.spark;

import co.backprop.contract.task.Task;
import co.backprop.jobs.formats.ResultColumns;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A Backprop task as a Spark ML stage: adds {@code outputCol} with each row's result struct, by the
 * same batched operator as the SQL functions. Saved and loaded like any ML stage, alone or in a
 * {@code Pipeline}.
 *
 * <p>Params: {@code task} (required), {@code model}, {@code inputCols} ({@code field=column} pairs;
 * unmapped fields read the column named like them), {@code constants} ({@code field=JSON} pairs
 * every row gets), {@code outputCol} (default {@value Backprop#DEFAULT_OUTPUT_COLUMN}).
 */
public final class BackpropTransformer extends Transformer implements DefaultParamsWritable {
  private final String uid;
  private final Param<String> task;
  private final Param<String> model;
  private final StringArrayParam inputCols;
  private final StringArrayParam constants;
  private final Param<String> outputCol;

  public BackpropTransformer() {
    this(Identifiable.randomUID("backprop"));
  }

  public BackpropTransformer(String uid) {
    this.uid = uid;
    // Params take their owner's uid when made: after it is set.
    task = new Param<>(this, "task", "the Backprop task, e.g. text-vectorisation");
    model = new Param<>(this, "model", "the model; the task's default when unset");
    inputCols = new StringArrayParam(this, "inputCols", "body field=column pairs, e.g. text=title");
    constants =
        new StringArrayParam(
            this, "constants", "body field=JSON pairs every row gets, e.g. labels=[\"a\",\"b\"]");
    outputCol = new Param<>(this, "outputCol", "the column of the result structs");
    setDefault(inputCols, new String[0]);
    setDefault(constants, new String[0]);
    setDefault(outputCol, Backprop.DEFAULT_OUTPUT_COLUMN);
  }

  public static MLReader<BackpropTransformer> read() {
    return new DefaultParamsReader<>();
  }

  public static BackpropTransformer load(String path) {
    return read().load(path);
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> task() {
    return task;
  }

  public Param<String> model() {
    return model;
  }

  public StringArrayParam inputCols() {
    return inputCols;
  }

  public StringArrayParam constants() {
    return constants;
  }

  public Param<String> outputCol() {
    return outputCol;
  }

  public BackpropTransformer setTask(String value) {
    Task.fromApiName(value);
    set(task, value);
    return this;
  }

  public BackpropTransformer setModel(String value) {
    set(model, value);
    return this;
  }

  public BackpropTransformer setInputCols(String... pairs) {
    pairs(pairs, "inputCols");
    set(inputCols, pairs);
    return this;
  }

  public BackpropTransformer setConstants(String... pairs) {
    pairs(pairs, "constants");
    set(constants, pairs);
    return this;
  }

  public BackpropTransformer setOutputCol(String value) {
    set(outputCol, value);
    return this;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    @SuppressWarnings("unchecked")
    Dataset<Row> rows = (Dataset<Row>) dataset.toDF();
    return Backprop.enrich(
        rows,
        requiredTask(),
        pairs($(inputCols), "inputCols"),
        pairs($(constants), "constants"),
        isDefined(model) ? $(model) : null,
        $(outputCol));
  }

  @Override
  public StructType transformSchema(StructType schema) {
    List<StructField> fields = new ArrayList<>(List.of(schema.fields()));
    String column = $(outputCol);
    if (List.of(schema.fieldNames()).contains(column)) {
      throw new IllegalArgumentException(
          "the rows already have a column '" + column + "'; set outputCol to another name");
    }
    fields.add(new StructField(column, ResultColumns.callStruct(requiredTask()), false, null));
    return new StructType(fields.toArray(StructField[]::new));
  }

  @Override
  public BackpropTransformer copy(ParamMap extra) {
    return (BackpropTransformer) defaultCopy(extra);
  }

  private Task requiredTask() {
    if (!isDefined(task)) {
      throw new IllegalArgumentException(
          "BackpropTransformer: set task, e.g. setTask(\"text-vectorisation\")");
    }
    return Task.fromApiName($(task));
  }

  private static Map<String, String> pairs(String[] pairs, String param) {
    Map<String, String> map = new LinkedHashMap<>();
    for (String pair : pairs) {
      int equals = pair.indexOf('=');
      if (equals <= 0) {
        throw new IllegalArgumentException(
            param + ": each entry must be field=value but got '" + pair + "'");
      }
      map.put(pair.substring(0, equals), pair.substring(equals + 1));
    }
    return map;
  }
}
