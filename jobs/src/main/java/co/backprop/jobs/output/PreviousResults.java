package co.backprop.jobs.output;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.when;

import co.backprop.contract.job.DataFormat;
import co.backprop.jobs.formats.ResultColumns;
import co.backprop.jobs.spark.InputIds;
import co.backprop.outputs.OutputLayout;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The results of the current run of an incremental output: which ids are done (every result row of
 * the id is ok), and the rows the next run carries over unchanged.
 */
public final class PreviousResults {
  private static final String VALUE = "value";
  private static final String STATUS = "__backprop_status";
  private static final String PARSED = "__backprop_parsed";

  private final SparkSession spark;
  private final String results;
  private final DataFormat format;
  private final String idField;

  /**
   * @param runFolder the committed run's folder
   * @param format the format its results were written in (the same as this run's)
   * @param idField the result field holding the row's id
   */
  public PreviousResults(SparkSession spark, String runFolder, DataFormat format, String idField) {
    this.spark = spark;
    this.results = new org.apache.hadoop.fs.Path(runFolder, OutputLayout.RESULTS).toString();
    this.format = format;
    this.idField = idField;
  }

  public String path() {
    return results;
  }

  /** The ids whose every result row is ok, as one column. */
  public Dataset<Row> doneIds() {
    Column failed = when(col(STATUS).equalTo("ok"), 0).otherwise(1);
    return rowsWithIds()
        .filter(col(InputIds.ID).isNotNull())
        .groupBy(InputIds.ID)
        .agg(max(failed).as("failed"))
        .filter(col("failed").equalTo(0))
        .select(InputIds.ID);
  }

  /**
   * Fails before any model runs when typed results of this run could not sit beside the previous
   * ones (the input's columns changed): appending them would leave files of two schemas.
   */
  public void requireSameColumns(StructType next) {
    if (format == DataFormat.JSONL) {
      return;
    }
    StructType previous = spark.read().format(format.sparkSource()).load(results).schema();
    if (!columns(previous).equals(columns(next))) {
      throw new IllegalArgumentException(
          "--incremental: this run's result columns "
              + columns(next)
              + " differ from those of the current run in "
              + results
              + " "
              + columns(previous)
              + "; the input's columns changed, so start a new output folder");
    }
  }

  private static List<String> columns(StructType schema) {
    return Arrays.stream(schema.fields())
        .map(StructField::toDDL)
        .map(ddl -> ddl.replace(" NOT NULL", ""))
        .toList();
  }

  /**
   * Appends to {@code target} the previous rows whose id this run did not process, unchanged. Rows
   * without an id are not carried: their input row runs again in every run.
   *
   * @param processedIds the ids this run processed, one column
   * @return the rows carried over
   */
  public long carryOver(Dataset<Row> processedIds, String target) {
    Dataset<Row> kept =
        InputIds.withoutDone(rowsWithIds().filter(col(InputIds.ID).isNotNull()), processedIds)
            .drop(InputIds.ID, STATUS);
    Observation carried = new Observation("carried");
    Dataset<Row> observed = kept.observe(carried, count(lit(1)).as("rows"));
    if (format == DataFormat.JSONL) {
      observed.select(VALUE).write().mode(SaveMode.Append).text(target);
    } else {
      observed.write().mode(SaveMode.Append).format(format.sparkSource()).save(target);
    }
    try {
      return ((Number) carried.getAsJava().get("rows")).longValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while counting the carried rows", e);
    }
  }

  /**
   * The previous rows with two added columns, their id ({@link InputIds#ID}) and status; JSON lines
   * are read as text (column {@code value}) so they are carried over byte for byte.
   */
  private Dataset<Row> rowsWithIds() {
    if (format == DataFormat.JSONL) {
      Column fields = InputIds.textFields(col(VALUE), idField, ResultColumns.STATUS);
      return spark
          .read()
          .text(results)
          .withColumn(PARSED, fields)
          .withColumn(InputIds.ID, col(PARSED).getField(idField))
          .withColumn(STATUS, col(PARSED).getField(ResultColumns.STATUS))
          .drop(PARSED);
    }
    return spark
        .read()
        .format(format.sparkSource())
        .load(results)
        .withColumn(InputIds.ID, col(idField).cast("string"))
        .withColumn(STATUS, col(ResultColumns.STATUS));
  }
}
