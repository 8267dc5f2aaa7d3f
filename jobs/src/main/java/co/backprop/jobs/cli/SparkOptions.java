package co.backprop.jobs.cli;

import co.backprop.jobs.spark.ClusterWatchdog;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/**
 * Where a command's Spark session runs and any Spark setting, for every command that starts one.
 */
final class SparkOptions {
  @Option(names = "--master", description = "Spark master (default: spark-submit's, or local[*]).")
  String master;

  @Option(names = "--conf", description = "Any Spark setting: --conf spark.executor.memory=4g")
  Map<String, String> settings = new LinkedHashMap<>();

  @Option(
      names = "--executor-timeout",
      defaultValue = "120",
      paramLabel = "SECONDS",
      description =
          "On a cluster: exit (code 3) when no executor registered within this time, or when the"
              + " cluster manager ends the application (default: ${DEFAULT-VALUE}).")
  int executorTimeoutSeconds;

  /** A watchdog over the session's cluster (none on local masters); close it before stopping. */
  ClusterWatchdog watch(SparkSession spark) {
    if (executorTimeoutSeconds < 1) {
      throw new IllegalArgumentException(
          "--executor-timeout must be 1 or more seconds but got " + executorTimeoutSeconds);
    }
    return ClusterWatchdog.start(
        spark.sparkContext(), Duration.ofSeconds(executorTimeoutSeconds), System.err);
  }
}
