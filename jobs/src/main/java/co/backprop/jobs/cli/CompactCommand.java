package co.backprop.jobs.cli;

import co.backprop.jobs.output.Compaction;
import co.backprop.jobs.spark.SparkSessions;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Folds an incremental output's runs into one snapshot run (see {@link Compaction}). */
@Command(
    name = "compact",
    mixinStandardHelpOptions = true,
    description =
        "Folds the runs of an incremental output into one snapshot (atomic, like a run), so"
            + " readers and the next run read one folder; the runs' usage and summaries stay.")
public final class CompactCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "OUTPUT", description = "The incremental output folder.")
  String output;

  @Override
  public Integer call() {
    SparkSession spark =
        SparkSessions.create("backprop compact", null, Map.of("spark.ui.enabled", "false"));
    try {
      Compaction.Result result = Compaction.compact(spark, output);
      System.out.println(
          result.folded() == 0
              ? "compact: " + output + " is one snapshot already (" + result.run() + ")"
              : "compact: folded "
                  + result.folded()
                  + " runs of "
                  + output
                  + " into "
                  + result.run());
    } finally {
      spark.stop();
    }
    return 0;
  }
}
