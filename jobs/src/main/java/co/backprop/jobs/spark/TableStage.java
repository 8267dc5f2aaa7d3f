package co.backprop.jobs.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.udf;

import co.backprop.contract.job.DataFormat;
import co.backprop.contract.job.InvalidJobException;
import co.backprop.contract.job.JobField;
import co.backprop.engines.pipeline.CompletedRow;
import co.backprop.engines.pipeline.PendingRow;
import co.backprop.jobs.formats.InputHash.Hashed;
import co.backprop.jobs.formats.ResultColumns;
import co.backprop.jobs.formats.TableRows;
import co.backprop.jobs.input.TableMapping;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Set;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** A typed table (Parquet, ORC, CSV) read through Spark's readers, enriched row by row. */
public final class TableStage {
  /** Fields whose column must hold strings: anything else is a mapping mistake, not a bad row. */
  private static final Set<String> STRING_FIELDS = Set.of("text", "question", "context", "image");

  private final Dataset<Row> input;

  public TableStage(SparkSession spark, DataFormat format, String path) {
    this.input = read(spark, format, path);
  }

  /** A table in any input format, read as the job reads it (CSV: a header, quoted multi-lines). */
  public static Dataset<Row> read(SparkSession spark, DataFormat format, String path) {
    var reader = spark.read().format(format.sparkSource());
    if (format == DataFormat.CSV) {
      reader = reader.option("header", "true").option("multiLine", "true").option("escape", "\"");
    }
    return reader.load(path);
  }

  public int partitions() {
    return input.rdd().getNumPartitions();
  }

  public long count() {
    return input.count();
  }

  /** Fails before any work when the mapping does not fit the table, saying what would. */
  public void check(TableMapping mapping) {
    StructType schema = input.schema();
    Set<String> columns = Set.of(schema.fieldNames());
    String columnList = String.join(", ", schema.fieldNames());
    String primary = mapping.primaryField();
    String primaryColumn = mapping.fieldColumns().get(primary);
    if (primaryColumn != null && !columns.contains(primaryColumn)) {
      throw new InvalidJobException(
          JobField.MAP,
          "the input has no column '"
              + primaryColumn
              + "' for the field "
              + primary
              + (primaryColumn.equals(primary)
                  ? "; map " + primary + " to a column with {map}"
                  : "")
              + "; its columns are: "
              + columnList);
    }
    if (mapping.idColumn() != null && !columns.contains(mapping.idColumn())) {
      throw new InvalidJobException(
          JobField.ID_COL,
          "the input has no column '" + mapping.idColumn() + "'; its columns are: " + columnList);
    }
    mapping
        .fieldColumns()
        .forEach(
            (field, column) -> {
              if (STRING_FIELDS.contains(field) && columns.contains(column)) {
                DataType type = schema.apply(column).dataType();
                if (!type.equals(DataTypes.StringType)) {
                  throw new InvalidJobException(
                      JobField.MAP,
                      "column '"
                          + column
                          + "' must be string for the field "
                          + field
                          + " but got "
                          + type.simpleString());
                }
              }
            });
    for (String result : ResultColumns.names(mapping.task())) {
      if (columns.contains(result)) {
        throw new IllegalArgumentException(
            "the input already has a column '"
                + result
                + "', which the results add ("
                + String.join(", ", ResultColumns.names(mapping.task()))
                + "); rename or drop it first");
      }
    }
  }

  /** The input rows numbered in input order (column {@link InputIds#ORDER}). */
  public Dataset<Row> numbered() {
    return input.withColumn(InputIds.ORDER, monotonically_increasing_id());
  }

  /** The input's columns, quoted (a column may be named "a.b"). */
  public Column[] inputColumns() {
    return Arrays.stream(input.columns())
        .map(name -> col("`" + name.replace("`", "``") + "`"))
        .toArray(Column[]::new);
  }

  /**
   * A function of the input columns as one struct ({@link #inputColumns}) giving the row's input
   * hash, the one its results will record.
   */
  public UserDefinedFunction inputHash(PartitionRunner runner) {
    TableRows tableRows = new TableRows(input.schema());
    return udf(
        (UDF1<Row, String>) row -> tableRows.read(row, runner.plan()).carrier().inputHash(),
        DataTypes.StringType);
  }

  /** The columns of the results: the input's, then the task's result columns. */
  public StructType outputSchema(TableMapping mapping) {
    return new TableRows(input.schema()).outputSchema(mapping);
  }

  /**
   * Numbered rows (see {@link #numbered}) with result columns appended, in input order.
   *
   * @param reorder whether the rows lost their order (filtered through a join)
   */
  public Dataset<Row> run(
      Dataset<Row> rows,
      boolean reorder,
      TableMapping mapping,
      int targetPartitions,
      PartitionRunner runner) {
    if (reorder || partitions() < targetPartitions) {
      // A small file is one partition: spread it over the cores, keeping row order.
      rows =
          rows.repartitionByRange(targetPartitions, col(InputIds.ORDER))
              .sortWithinPartitions(InputIds.ORDER);
    }
    // Back to the input's columns (quoted: a column may be named "a.b").
    rows = rows.select(inputColumns());
    TableRows tableRows = new TableRows(input.schema());
    StructType outputSchema = tableRows.outputSchema(mapping);
    return rows.mapPartitions(
        (MapPartitionsFunction<Row, Row>)
            it -> {
              Iterator<PendingRow<Hashed<Row>>> pending =
                  Iterators.map(it, row -> tableRows.read(row, runner.plan()));
              Iterator<CompletedRow<Hashed<Row>>> completed = runner.run(pending);
              return Iterators.map(completed, tableRows::write);
            },
        Encoders.row(outputSchema));
  }
}
