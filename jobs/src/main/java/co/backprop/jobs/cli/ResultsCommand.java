package co.backprop.jobs.cli;

import static org.apache.spark.sql.functions.col;

import co.backprop.contract.job.DataFormat;
import co.backprop.jobs.spark.CurrentRows;
import co.backprop.jobs.spark.RunIndexes;
import co.backprop.jobs.spark.SparkSessions;
import co.backprop.outputs.JobOutput;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Writes the current rows of any job output (one-off or incremental, local or s3a) as JSON lines to
 * standard output. JSON-lines results are streamed by the same reader as the front door's {@code
 * /jobs/{id}/results}, without Spark; Parquet and ORC results are read with local Spark.
 */
@Command(
    name = "results",
    mixinStandardHelpOptions = true,
    description =
        "Writes the current rows of a job's output (per id the newest run's, for incremental"
            + " outputs) as JSON lines to standard output.")
public final class ResultsCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "OUTPUT", description = "The job's output folder.")
  String output;

  @Option(
      names = "--id",
      paramLabel = "ID",
      description = "Only the rows of these ids (repeat the option for several).")
  List<String> ids;

  @Option(
      names = "--format",
      defaultValue = "jsonl",
      description = "What to write: jsonl (the only format so far).")
  String format;

  @Override
  public Integer call() {
    if (!format.equals("jsonl")) {
      throw new IllegalArgumentException("--format: only jsonl is written, not '" + format + "'");
    }
    Set<String> only = ids == null ? null : new LinkedHashSet<>(ids);
    Configuration hadoop = new Configuration();
    JobOutput job = JobOutput.at(output, hadoop);
    job.requireCurrent();
    OutputStream out = new BufferedOutputStream(System.out, 1 << 16);
    try {
      if (job.currentFormat() == DataFormat.JSONL) {
        job.copyResultLines(out, only);
      } else {
        copyWithSpark(job, only, out);
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the results", e);
    }
    return 0;
  }

  private static void copyWithSpark(JobOutput job, Set<String> only, OutputStream out)
      throws IOException {
    SparkSession spark =
        SparkSessions.create("backprop results", "local[*]", Map.of("spark.ui.enabled", "false"));
    try {
      DataFormat format = job.currentFormat();
      Dataset<Row> rows;
      if (job.oneOff() || job.deltaTable()) {
        // A one-off job's results, or the Delta table every incremental run merged into.
        rows = spark.read().format(format.sparkSource()).load(job.resultsTable().toString());
      } else {
        rows = CurrentRows.of(spark, job, RunIndexes.latest(spark, job.liveRuns()), format);
      }
      if (only != null) {
        rows = rows.filter(col("`" + job.idField() + "`").cast("string").isin(only.toArray()));
      }
      Iterator<String> lines = rows.toJSON().toLocalIterator();
      while (lines.hasNext()) {
        out.write(lines.next().getBytes(StandardCharsets.UTF_8));
        out.write('\n');
      }
    } finally {
      spark.stop();
    }
  }
}
