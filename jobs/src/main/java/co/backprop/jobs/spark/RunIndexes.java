package co.backprop.jobs.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;

import co.backprop.contract.job.DataFormat;
import co.backprop.jobs.formats.InputHash;
import co.backprop.jobs.formats.ResultColumns;
import co.backprop.outputs.JobOutput;
import co.backprop.outputs.OutputLayout;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The per-run indexes of an incremental output (see {@link OutputLayout}): one line per id a run
 * processed, {@code {id, input_hash, ok}}. A run writes its own from its results; the next run
 * reads the live runs' indexes, never their results, to decide which rows to skip.
 */
public final class RunIndexes {
  /** Columns of {@link #latest}: the id's hash and whether all its results were ok. */
  public static final String ID = "__backprop_prev_id";

  public static final String HASH = "__backprop_prev_hash";
  public static final String OK = "__backprop_prev_ok";

  /** The version of the run holding the id's current rows. */
  public static final String VERSION = "__backprop_prev_version";

  private static final String INDEX_SCHEMA = "id STRING, input_hash STRING, ok BOOLEAN";

  private RunIndexes() {}

  /** Writes a snapshot's index: the {@link #latest} entries. */
  public static void writeLatest(Dataset<Row> latest, String folder) {
    latest
        .select(
            col(ID).as(OutputLayout.INDEX_ID),
            col(HASH).as(OutputLayout.INDEX_HASH),
            col(OK).as(OutputLayout.INDEX_OK))
        .write()
        .mode(SaveMode.ErrorIfExists)
        .json(folder);
  }

  /**
   * Writes a run's index from its results.
   *
   * @param results rows with {@link InputIds#ID}, {@link InputHash#COLUMN} and {@code status}
   */
  public static void write(Dataset<Row> results, String folder) {
    results
        .filter(col(InputIds.ID).isNotNull())
        .groupBy(InputIds.ID)
        .agg(
            first(InputHash.COLUMN).as(OutputLayout.INDEX_HASH),
            min(col(ResultColumns.STATUS).equalTo("ok")).as(OutputLayout.INDEX_OK))
        .withColumnRenamed(InputIds.ID, OutputLayout.INDEX_ID)
        .coalesce(1)
        .write()
        .mode(SaveMode.ErrorIfExists)
        .json(folder);
  }

  /**
   * Per id, the entry of the newest live run holding it: columns {@link #ID}, {@link #HASH}, {@link
   * #OK} and {@link #VERSION}.
   */
  public static Dataset<Row> latest(SparkSession spark, List<JobOutput.Run> live) {
    Dataset<Row> all = null;
    for (JobOutput.Run run : live) {
      Dataset<Row> index =
          spark
              .read()
              .schema(INDEX_SCHEMA)
              .json(new org.apache.hadoop.fs.Path(run.folder(), OutputLayout.INDEX).toString())
              .withColumn("version", lit(run.version()));
      all = all == null ? index : all.unionByName(index);
    }
    return all.groupBy(OutputLayout.INDEX_ID)
        .agg(
            max(struct(col("version"), col(OutputLayout.INDEX_HASH), col(OutputLayout.INDEX_OK)))
                .as("e"))
        .select(
            col(OutputLayout.INDEX_ID).as(ID),
            col("e." + OutputLayout.INDEX_HASH).as(HASH),
            col("e." + OutputLayout.INDEX_OK).as(OK),
            col("e.version").as(VERSION));
  }

  /**
   * Fails before any model runs when typed results of this run could not sit beside the live ones
   * (the input's columns changed): readers would meet files of two schemas.
   */
  public static void requireSameColumns(
      SparkSession spark, JobOutput output, DataFormat format, StructType next) {
    if (format == DataFormat.JSONL) {
      return;
    }
    List<JobOutput.Run> live = output.liveRuns();
    for (int i = live.size() - 1; i >= 0; i--) {
      if (output.resultParts(live.get(i).folder()).isEmpty()) {
        continue;
      }
      requireSameColumns(
          spark,
          new org.apache.hadoop.fs.Path(live.get(i).folder(), OutputLayout.RESULTS).toString(),
          format,
          next);
      return;
    }
  }

  /** The same check against the results at {@code results} (a Delta table, a run's files). */
  public static void requireSameColumns(
      SparkSession spark, String results, DataFormat format, StructType next) {
    StructType previous = spark.read().format(format.sparkSource()).load(results).schema();
    if (!columns(previous).equals(columns(next))) {
      throw new IllegalArgumentException(
          "--incremental: this run's result columns "
              + columns(next)
              + " differ from those of the current results in "
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
}
