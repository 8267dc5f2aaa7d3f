package co.backprop.jobs.spark;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/**
 * Where a command's Spark session runs and any Spark setting, for every command that starts one.
 */
public final class SparkOptions {
  @Option(names = "--master", description = "Spark master (default: spark-submit's, or local[*]).")
  String master;

  @Option(names = "--conf", description = "Any Spark setting: --conf spark.executor.memory=4g")
  Map<String, String> settings = new LinkedHashMap<>();

  @Option(
      names = "--executor-timeout",
      defaultValue = "120",
      paramLabel = "SECONDS",
      description =
          "On a cluster: give up (a command exits with code 3, the worker fails the job) when no"
              + " executor registered within this time (or all were lost for as long), or when the"
              + " cluster manager ends the application (default: ${DEFAULT-VALUE}).")
  int executorTimeoutSeconds;

  /** A session on the chosen master with the given settings. */
  public SparkSession session(String appName) {
    return session(appName, Map.of());
  }

  /** A session with the command's own settings too (the user's {@code --conf} wins). */
  public SparkSession session(String appName, Map<String, String> commandSettings) {
    Map<String, String> all = new LinkedHashMap<>(commandSettings);
    all.putAll(settings);
    return SparkSessions.create(appName, master, all);
  }

  public Duration executorTimeout() {
    if (executorTimeoutSeconds < 1) {
      throw new IllegalArgumentException(
          "--executor-timeout must be 1 or more seconds but got " + executorTimeoutSeconds);
    }
    return Duration.ofSeconds(executorTimeoutSeconds);
  }

  /** A command's watchdog over the session's cluster (none on local masters); close it first. */
  public ClusterWatchdog watch(SparkSession spark) {
    return ClusterWatchdog.exiting(spark.sparkContext(), executorTimeout(), System.err);
  }
}
