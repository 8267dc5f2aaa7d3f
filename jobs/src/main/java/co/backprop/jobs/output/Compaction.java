package co.backprop.jobs.output;

import co.backprop.contract.job.DataFormat;
import co.backprop.jobs.spark.CurrentRows;
import co.backprop.jobs.spark.RunIndexes;
import co.backprop.outputs.JobOutput;
import co.backprop.outputs.RunCommit;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Folds the live runs of an incremental output into one snapshot run: every current row and a full
 * index, committed like any run (so it fails cleanly against a concurrent run), after which the
 * folded runs' results and indexes are freed and their usage and summaries stay. A Delta table is
 * one table already: its compaction is Delta's OPTIMIZE.
 */
public final class Compaction {
  /** What a compaction did: the snapshot's run name and how many runs it folded (0: nothing). */
  public record Result(String run, int folded) {}

  private Compaction() {}

  public static Result compact(SparkSession spark, String location) {
    RunVersions runs = RunVersions.open(location, spark.sparkContext().hadoopConfiguration());
    List<JobOutput.Run> live = runs.live();
    if (live.isEmpty()) {
      throw new IllegalArgumentException(
          location
              + " has no committed incremental run (_log/v0001.json, ...): nothing to compact");
    }
    if (live.size() == 1 && live.get(0).kind() == RunCommit.Kind.SNAPSHOT) {
      return new Result(live.get(0).name(), 0);
    }
    JobOutput output = runs.output();
    if (output.deltaTable()) {
      // Delta keeps one table: compaction is its OPTIMIZE (small files of many nights into few).
      io.delta.tables.DeltaTable.forPath(spark, output.resultsTable().toString())
          .optimize()
          .executeCompaction();
      return new Result("results (Delta OPTIMIZE)", live.size());
    }
    DataFormat format = output.currentFormat();
    Dataset<Row> latest = RunIndexes.latest(spark, live);
    Dataset<Row> rows = CurrentRows.of(spark, output, latest, format);
    OutputPaths paths = runs.next();
    if (format == DataFormat.JSONL) {
      rows.select(CurrentRows.VALUE).write().mode(SaveMode.ErrorIfExists).text(paths.results());
    } else {
      rows.write().mode(SaveMode.ErrorIfExists).format(format.sparkSource()).save(paths.results());
    }
    RunIndexes.writeLatest(latest, paths.index());
    runs.commit(RunCommit.Kind.SNAPSHOT, live.get(live.size() - 1).idField());
    return new Result(co.backprop.outputs.OutputLayout.runName(runs.version()), live.size());
  }
}
