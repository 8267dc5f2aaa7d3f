package co.backprop.jobs.formats;

import co.backprop.contract.task.Json;
import co.backprop.engines.pipeline.CompletedRow;
import co.backprop.engines.pipeline.PendingRow;
import co.backprop.jobs.formats.InputHash.Hashed;
import co.backprop.jobs.input.JobPlan;
import co.backprop.jobs.input.TableMapping;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Spark rows of a typed table (Parquet, ORC, CSV): the mapped columns become a request; the output
 * row is the input row with the result columns appended.
 */
public final class TableRows implements Serializable {
  private final StructType inputSchema;
  private final Map<String, Integer> columnIndex = new HashMap<>();

  public TableRows(StructType inputSchema) {
    this.inputSchema = inputSchema;
    String[] names = inputSchema.fieldNames();
    for (int i = 0; i < names.length; i++) {
      columnIndex.put(names[i], i);
    }
  }

  /** The input columns followed by the result columns of the task. */
  public StructType outputSchema(TableMapping mapping) {
    List<StructField> fields = new ArrayList<>(List.of(inputSchema.fields()));
    fields.addAll(ResultColumns.fields(mapping.task()));
    return new StructType(fields.toArray(StructField[]::new));
  }

  public PendingRow<Hashed<Row>> read(Row row, JobPlan plan) {
    TableMapping mapping = plan.table();
    PendingRow<Row> pending =
        PendingRow.of(
            row,
            mapping.item(
                column -> {
                  Integer index = columnIndex.get(column);
                  return index == null || row.isNullAt(index) ? null : toJson(row.get(index));
                }));
    return InputHash.attach(pending, plan);
  }

  public Row write(CompletedRow<Hashed<Row>> row) {
    Row input = row.carrier().carrier();
    Object[] results = ResultColumns.values(row.results().get(0), row.carrier().inputHash());
    Object[] values = new Object[input.size() + results.length];
    for (int i = 0; i < input.size(); i++) {
      values[i] = input.get(i);
    }
    System.arraycopy(results, 0, values, input.size(), results.length);
    return RowFactory.create(values);
  }

  /** A Spark value as JSON, so table rows are validated by the API's body parser. */
  public static JsonNode toJson(Object value) {
    if (value == null) {
      return Json.MAPPER.nullNode();
    }
    if (value instanceof String text) {
      return Json.MAPPER.getNodeFactory().textNode(text);
    }
    if (value instanceof Boolean bool) {
      return Json.MAPPER.getNodeFactory().booleanNode(bool);
    }
    if (value instanceof Integer
        || value instanceof Long
        || value instanceof Short
        || value instanceof Byte) {
      return Json.MAPPER.getNodeFactory().numberNode(((Number) value).longValue());
    }
    if ((value instanceof Double || value instanceof Float)
        && !Double.isFinite(((Number) value).doubleValue())) {
      // NaN and infinities have no decimal form: the body parser names the field they went to.
      return Json.MAPPER.getNodeFactory().numberNode(((Number) value).doubleValue());
    }
    if (value instanceof Number number) {
      return Json.MAPPER.getNodeFactory().numberNode(new BigDecimal(number.toString()));
    }
    if (value instanceof scala.collection.Seq<?> seq) {
      ArrayNode array = Json.MAPPER.createArrayNode();
      scala.jdk.javaapi.CollectionConverters.asJava(seq)
          .forEach(element -> array.add(toJson(element)));
      return array;
    }
    if (value instanceof scala.collection.Map<?, ?> map) {
      ObjectNode object = Json.MAPPER.createObjectNode();
      scala.jdk.javaapi.CollectionConverters.asJava(map)
          .forEach((k, v) -> object.set(String.valueOf(k), toJson(v)));
      return object;
    }
    // Structs, binary, dates: not a task field's type; the parser names the field.
    return Json.MAPPER.getNodeFactory().pojoNode(value);
  }
}
