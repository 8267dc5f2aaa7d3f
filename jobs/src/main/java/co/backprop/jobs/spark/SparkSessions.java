package co.backprop.jobs.spark;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Builds the job's Spark session: the embedded default is local Spark on every core. */
public final class SparkSessions {
  private SparkSessions() {}

  /**
   * @param master the master URL, or null for spark-submit's (or {@code local[*]} when run outside
   *     spark-submit)
   * @param settings {@code --conf} pairs, applied last
   */
  public static SparkSession create(String appName, String master, Map<String, String> settings) {
    SparkConf conf = new SparkConf(); // picks up spark.* set by spark-submit
    if (master != null) {
      conf.setMaster(master);
    } else if (!conf.contains("spark.master")) {
      conf.setMaster("local[*]");
    }
    conf.setIfMissing("spark.app.name", appName);
    // The job prints its own rows-based progress; Spark's stage bar would fight it for the line.
    conf.setIfMissing("spark.ui.showConsoleProgress", "false");
    // Let adaptive execution coalesce the shuffle partitions of cached plans too (the selected rows
    // of an incremental run): 200 near-empty tasks per stage cost a nightly run seconds.
    conf.setIfMissing("spark.sql.optimizer.canChangeCachedPlanOutputPartitioning", "true");
    if (conf.get("spark.master").startsWith("local")) {
      // Running tasks report rows done in heartbeats: beat often enough for a live progress line.
      conf.setIfMissing("spark.executor.heartbeatInterval", "2s");
      // Delta rebuilds a table's state in 50 tasks by default: seconds of overhead on one machine.
      conf.setIfMissing(
          "spark.databricks.delta.snapshotPartitions",
          String.valueOf(Runtime.getRuntime().availableProcessors()));
    }
    // Delta Lake tables (inputs, outputs, MERGE); new tables mark replaced rows in deletion vectors
    // instead of rewriting every file a nightly MERGE touches. The Backprop SQL functions.
    conf.setIfMissing(
        "spark.sql.extensions",
        "io.delta.sql.DeltaSparkSessionExtension,co.backprop.spark.BackpropExtensions");
    conf.setIfMissing(
        "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    conf.setIfMissing("spark.databricks.delta.properties.defaults.enableDeletionVectors", "true");
    settings.forEach(conf::set);
    GpuScheduling.requireClusterMaster(conf);
    return SparkSession.builder().config(conf).getOrCreate();
  }
}
