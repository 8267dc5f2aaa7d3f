package co.backprop.jobs.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * The ids of input rows, as text in the column {@link #ID}, and what the job does with them before
 * any model runs: find ids that repeat (refused, or each id's first row kept), and leave out rows
 * whose id is already done (incremental runs). A row without a readable id is never dropped here:
 * it becomes an error row downstream.
 */
public final class InputIds {
  public static final String ID = "__backprop_id";

  /** The input order: the line number of a JSON line, a sequence number of a table row. */
  public static final String ORDER = "__backprop_order";

  /** A JSON line's text. */
  public static final String TEXT = "__backprop_text";

  /** The row's {@link co.backprop.jobs.formats.InputHash}. */
  public static final String HASH = "__backprop_hash";

  private static final int EXAMPLES = 10;

  /**
   * Ids found on more than one row: how many, the rows beyond each id's first, and the ids with the
   * most rows with their row counts.
   */
  public record Duplicates(long ids, long extraRows, Map<String, Long> examples) {
    public String message() {
      String listed =
          examples.entrySet().stream()
              .map(e -> "'" + e.getKey() + "' (" + e.getValue() + " rows)")
              .collect(Collectors.joining(", "));
      return "the input has "
          + ids
          + " id"
          + (ids == 1 ? "" : "s")
          + " on more than one row: "
          + listed
          + (ids > examples.size() ? ", ..." : "")
          + ". Each id must be unique so every row gets one result and is billed once: fix the"
          + " input, or pass --dedupe to keep only each id's first row";
    }
  }

  private InputIds() {}

  /**
   * Numbered JSON lines as rows {@code (ORDER, text, ID)}: the id is the line's field {@code
   * idField} as text (42 and "42" are the same id); null when the line is not JSON or has none.
   */
  public static Dataset<Row> ofLines(
      SparkSession spark, JavaRDD<Tuple2<Long, String>> numbered, String idField) {
    StructType schema =
        new StructType()
            .add(ORDER, DataTypes.LongType, false)
            .add(TEXT, DataTypes.StringType, false);
    Dataset<Row> lines =
        spark.createDataFrame(
            numbered.map(line -> RowFactory.create(line._1(), line._2())), schema);
    return lines.withColumn(ID, textField(col(TEXT), idField));
  }

  /** The numbered lines of {@link #ofLines} rows, in no particular order. */
  public static JavaRDD<Tuple2<Long, String>> lines(Dataset<Row> rows) {
    return rows.select(ORDER, TEXT)
        .javaRDD()
        .map(row -> new Tuple2<>(row.getLong(0), row.getString(1)));
  }

  /**
   * A top-level field of JSON text as text, whatever its JSON type; null when absent or not JSON.
   */
  public static Column textField(Column json, String field) {
    return textFields(json, field).getField(field);
  }

  /**
   * Top-level fields of JSON text as a struct of texts (see {@link #textField}), from one parse of
   * each line: a results line holds a whole vector, so reading two fields apart parses it twice.
   */
  public static Column textFields(Column json, String... fields) {
    // A string field in the schema takes any JSON value as its text: 42 reads as "42".
    StructType schema = new StructType();
    for (String field : fields) {
      schema = schema.add(field, DataTypes.StringType);
    }
    return from_json(json, schema, Map.of());
  }

  /** Ids on more than one row, or null when every id is unique (one aggregation over the ids). */
  public static Duplicates duplicates(Dataset<Row> rows) {
    Dataset<Row> repeated =
        rows.filter(col(ID).isNotNull()).groupBy(ID).count().filter(col("count").gt(1));
    List<Row> first = repeated.orderBy(desc("count"), col(ID)).limit(EXAMPLES).collectAsList();
    if (first.isEmpty()) {
      return null;
    }
    Map<String, Long> examples = new LinkedHashMap<>();
    first.forEach(row -> examples.put(row.getString(0), row.getLong(1)));
    Row totals = repeated.agg(count(lit(1)), sum(col("count").minus(1))).first();
    return new Duplicates(totals.getLong(0), totals.getLong(1), examples);
  }

  /** Each id's first row in input order, and every row without an id. */
  public static Dataset<Row> firstOccurrences(Dataset<Row> rows) {
    String rank = "__backprop_rank";
    return rows.withColumn(rank, row_number().over(Window.partitionBy(ID).orderBy(ORDER)))
        .filter(col(ID).isNull().or(col(rank).equalTo(1)))
        .drop(rank);
  }

  /**
   * The rows with their input hash in {@link #HASH}, computed by {@code hash} from the given
   * columns: what the models would see of each row, compared with the previous run's.
   */
  public static Dataset<Row> withHashes(Dataset<Row> rows, UserDefinedFunction hash, Column... of) {
    return rows.withColumn(HASH, hash.apply(of));
  }
}
