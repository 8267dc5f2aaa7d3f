package co.backprop.jobs.output;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.min;

import co.backprop.jobs.formats.InputHash;
import co.backprop.jobs.formats.ResultColumns;
import co.backprop.jobs.spark.RunIndexes;
import io.delta.tables.DeltaTable;
import java.util.ConcurrentModificationException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The results of an incremental output kept as one Delta Lake table ({@code OUTPUT/results}): a
 * night reads the ids, input hashes and statuses from it (three columns of Parquet), runs what
 * changed, stages those rows in its run folder, and MERGEs them into the table on the id column in
 * one Delta commit, so the table's history has one version per night and time travel comes from
 * Delta. Concurrent nights: the second to commit fails, by a version check before the MERGE and by
 * Delta's optimistic concurrency during it.
 */
public final class DeltaResults {
  private final SparkSession spark;
  private final String table;
  private final String idField;
  private final long versionAtStart;

  /**
   * @param table the Delta table's folder
   * @param idField the id column
   */
  public DeltaResults(SparkSession spark, String table, String idField) {
    this.spark = spark;
    this.table = table;
    this.idField = idField;
    this.versionAtStart = version();
  }

  public String table() {
    return table;
  }

  /** The table's latest version, or -1 when there is no table yet. */
  private long version() {
    if (!DeltaTable.isDeltaTable(spark, table)) {
      return -1;
    }
    return DeltaTable.forPath(spark, table).history(1).select("version").first().getLong(0);
  }

  /**
   * Per id, the table's input hash and whether all its rows are ok ({@link RunIndexes#latest}'s
   * columns), or null when there is no table yet.
   */
  public Dataset<Row> previous() {
    if (versionAtStart < 0) {
      return null;
    }
    return spark
        .read()
        .format("delta")
        .option("versionAsOf", versionAtStart)
        .load(table)
        .select(
            col("`" + idField + "`").cast("string").as(RunIndexes.ID),
            col(InputHash.COLUMN),
            col(ResultColumns.STATUS))
        .filter(col(RunIndexes.ID).isNotNull())
        .groupBy(RunIndexes.ID)
        .agg(
            first(InputHash.COLUMN).as(RunIndexes.HASH),
            min(col(ResultColumns.STATUS).equalTo("ok")).as(RunIndexes.OK));
  }

  /**
   * Commits a night's staged rows: creates the table on the first night, else one MERGE on the id
   * (new ids inserted, run ids updated, the rest kept; rows without an id are replaced by this
   * night's, which ran them again).
   *
   * @throws RunVersions.ConcurrentRunException when another run committed since this one started
   */
  public void commit(Dataset<Row> staged, RunVersions runs) {
    try {
      if (versionAtStart < 0) {
        staged.write().format("delta").mode(SaveMode.ErrorIfExists).save(table);
        return;
      }
      if (version() != versionAtStart) {
        throw runs.lost();
      }
      String id = "`" + idField.replace("`", "``") + "`";
      DeltaTable.forPath(spark, table)
          .as("t")
          .merge(staged.as("s"), "t." + id + " = s." + id)
          .whenMatched()
          .updateAll()
          .whenNotMatched()
          .insertAll()
          .whenNotMatchedBySource("t." + id + " IS NULL")
          .delete()
          .execute();
    } catch (RunVersions.ConcurrentRunException e) {
      throw e;
    } catch (Exception e) { // Scala's exceptions (AnalysisException) are checked ones to javac
      // Delta's optimistic concurrency (another MERGE committed while this one ran), or another
      // first night created the table first.
      if (e instanceof ConcurrentModificationException
          || (versionAtStart < 0 && DeltaTable.isDeltaTable(spark, table))) {
        RunVersions.ConcurrentRunException lost = runs.lost();
        lost.initCause(e);
        throw lost;
      }
      if (e instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException("cannot commit to the Delta table " + table, e);
    }
  }
}
