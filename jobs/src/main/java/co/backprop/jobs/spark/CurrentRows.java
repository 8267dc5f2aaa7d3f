package co.backprop.jobs.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import co.backprop.contract.job.DataFormat;
import co.backprop.outputs.JobOutput;
import co.backprop.outputs.OutputLayout;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The current rows of an incremental output, read with Spark (for typed results, and to fold runs
 * into a snapshot): per id, the rows of the newest live run holding it; rows without an id only
 * from the newest run. JSON lines are read as text (column {@code value}) so they stay byte for
 * byte. {@link JobOutput#copyResultLines} is the same rule without Spark, for JSON lines.
 */
public final class CurrentRows {
  public static final String VALUE = "value";
  private static final String RUN = "__backprop_run";

  private CurrentRows() {}

  /**
   * @param latest the live runs' {@link RunIndexes#latest} index
   */
  public static Dataset<Row> of(
      SparkSession spark, JobOutput output, Dataset<Row> latest, DataFormat format) {
    List<JobOutput.Run> live = output.liveRuns();
    int newest = live.get(live.size() - 1).version();
    Dataset<Row> all = null;
    for (JobOutput.Run run : live) {
      if (output.resultParts(run.folder()).isEmpty()) {
        continue;
      }
      String results = new org.apache.hadoop.fs.Path(run.folder(), OutputLayout.RESULTS).toString();
      Dataset<Row> rows =
          format == DataFormat.JSONL
              ? spark
                  .read()
                  .text(results)
                  .withColumn(InputIds.ID, InputIds.textField(col(VALUE), run.idField()))
              : spark
                  .read()
                  .format(format.sparkSource())
                  .load(results)
                  .withColumn(InputIds.ID, col("`" + run.idField() + "`").cast("string"));
      rows = rows.withColumn(RUN, lit(run.version()));
      all = all == null ? rows : all.unionByName(rows);
    }
    if (all == null) {
      return format == DataFormat.JSONL
          ? spark.emptyDataset(org.apache.spark.sql.Encoders.STRING()).toDF(VALUE)
          : spark.emptyDataFrame();
    }
    Dataset<Row> versions = latest.select(RunIndexes.ID, RunIndexes.VERSION);
    Column current =
        col(InputIds.ID)
            .isNull()
            .and(col(RUN).equalTo(newest))
            .or(col(RUN).equalTo(col(RunIndexes.VERSION)));
    return all.join(versions, all.col(InputIds.ID).equalTo(versions.col(RunIndexes.ID)), "left")
        .filter(current)
        .drop(InputIds.ID, RUN, RunIndexes.ID, RunIndexes.VERSION);
  }
}
