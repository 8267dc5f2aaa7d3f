package co.backprop.jobs.cli;

import co.backprop.jobs.report.JobReport;
import co.backprop.jobs.spark.SparkSessions;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description =
        "Writes a self-contained HTML report of one job (counts, throughput, devices, usage chart,"
            + " errors) into its output folder.")
public final class ReportCommand implements Callable<Integer> {
  @Option(
      names = "--output",
      required = true,
      description = "The job's output folder (with summary.json).")
  String output;

  @Override
  public Integer call() {
    SparkSession spark =
        SparkSessions.create("backprop report", "local[1]", Map.of("spark.ui.enabled", "false"));
    try {
      System.out.println("report: " + JobReport.write(spark, output));
    } finally {
      spark.stop();
    }
    return 0;
  }
}
