package co.backprop.jobs.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where a command's Spark session runs and any Spark setting, for every command that starts one.
 */
final class SparkOptions {
  @Option(names = "--master", description = "Spark master (default: spark-submit's, or local[*]).")
  String master;

  @Option(names = "--conf", description = "Any Spark setting: --conf spark.executor.memory=4g")
  Map<String, String> settings = new LinkedHashMap<>();
}
