package co.backprop.jobs.cli;

import co.backprop.contract.job.DataFormat;
import co.backprop.contract.task.Json;
import co.backprop.jobs.input.FormatDetection;
import co.backprop.jobs.output.OutputPaths;
import co.backprop.jobs.spark.ClusterWatchdog;
import co.backprop.jobs.spark.SparkOptions;
import co.backprop.jobs.spark.TableStage;
import co.backprop.jobs.usage.UsageTally.Usage;
import co.backprop.spark.Backprop;
import co.backprop.spark.plan.SessionSettings;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * A Spark SQL query with the Backprop functions over named tables: prints the first rows as JSON
 * lines, or with {@code --output} writes every row like a job, with {@code usage/} and {@code
 * summary.json} (which {@code usage import} bills).
 */
@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Runs a Spark SQL query with the Backprop functions (backprop_vectorise(text),"
            + " backprop_classify(text, labels), ...) over the tables given with --table; prints"
            + " the rows as JSON lines, or writes them all with --output.")
public final class SqlCommand implements Callable<Integer> {
  private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

  /** What {@code summary.json} of an {@code --output} holds. */
  record Summary(
      String query,
      String account,
      long rows,
      @JsonProperty("results_path") String resultsPath,
      String format,
      String started,
      @JsonProperty("run_seconds") double runSeconds,
      List<Usage> usage) {

    void print(PrintStream out) {
      out.printf(Locale.ROOT, "sql done: %d rows -> %s (%.1f s)%n", rows, resultsPath, runSeconds);
      for (Usage u : usage) {
        out.printf(
            Locale.ROOT,
            "  usage: %s %s %s/%s: %d requests, %.3f compute seconds%n",
            u.account(),
            u.period(),
            u.task(),
            u.model(),
            u.requests(),
            u.computeSeconds());
      }
    }
  }

  @Parameters(index = "0", paramLabel = "QUERY", description = "The Spark SQL query.")
  String query;

  @Option(
      names = "--table",
      paramLabel = "NAME=PATH",
      description =
          "A table for the query: any input the job reads (JSON lines, Parquet, ORC, CSV, Delta),"
              + " local or s3a://. Repeat for several.")
  Map<String, String> tables = new LinkedHashMap<>();

  @Option(
      names = "--account",
      description = "Who the functions' compute is billed to (default: default).")
  String account = SessionSettings.DEFAULT_ACCOUNT;

  @Option(
      names = "--output",
      paramLabel = "DIR",
      description = "Write every row to DIR/results, with DIR/usage and DIR/summary.json.")
  String output;

  @Option(
      names = "--output-format",
      converter = FormatConverter.class,
      description = "Format of DIR/results: jsonl (default), parquet, orc or delta.")
  DataFormat outputFormat = DataFormat.JSONL;

  @Option(
      names = "--overwrite",
      description = "Replace DIR if it holds a previous job's or query's output.")
  boolean overwrite;

  @Option(
      names = "--limit",
      defaultValue = "1000",
      description = "Rows printed without --output (default: 1000).")
  int limit;

  @Mixin SparkOptions sparkOptions;

  @Mixin ModelsCommand.Location models;

  @Override
  public Integer call() {
    check();
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put(SessionSettings.ACCOUNT, account);
    if (models.catalog != null) {
      settings.put(SessionSettings.CATALOG, models.catalog.toString());
    }
    if (models.modelStore != null) {
      settings.put(SessionSettings.MODEL_STORE, models.modelStore);
    }
    SparkSession spark = sparkOptions.session("backprop sql", settings);
    ClusterWatchdog watchdog = sparkOptions.watch(spark);
    try {
      var hadoop = spark.sparkContext().hadoopConfiguration();
      tables.forEach(
          (name, path) ->
              TableStage.read(spark, FormatDetection.detect(path, hadoop), path)
                  .createOrReplaceTempView(name));
      if (output == null) {
        print(spark.sql(query), System.out, System.err);
      } else {
        Instant started = Instant.now();
        OutputPaths paths = OutputPaths.prepare(output, overwrite, hadoop);
        write(spark, spark.sql(query), paths, started).print(System.out);
      }
      return 0;
    } catch (Exception e) { // Spark throws its checked SparkException unannounced; rethrown as is
      watchdog.explain(e);
      throw e;
    } finally {
      watchdog.close();
      spark.stop();
    }
  }

  private void check() {
    if (query == null || query.isBlank()) {
      throw new IllegalArgumentException("QUERY: is required, e.g. \"SELECT 1\"");
    }
    if (limit < 1) {
      throw new IllegalArgumentException("--limit must be 1 or more but got " + limit);
    }
    tables.forEach(
        (name, path) -> {
          if (!TABLE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                "--table: '"
                    + name
                    + "' is not a table name (letters, digits and _, not starting with a digit)");
          }
        });
    if (outputFormat == DataFormat.CSV) {
      throw new IllegalArgumentException(
          "--output-format: csv cannot hold vectors and structs; use jsonl, parquet, orc or delta");
    }
  }

  private void print(Dataset<Row> rows, PrintStream out, PrintStream err) {
    List<String> lines = rows.toJSON().takeAsList(limit + 1);
    lines.stream().limit(limit).forEach(out::println);
    out.flush();
    if (lines.size() > limit) {
      err.printf(
          Locale.ROOT,
          "(the first %d rows; --limit N prints more, --output DIR writes them all)%n",
          limit);
    }
  }

  private Summary write(SparkSession spark, Dataset<Row> rows, OutputPaths paths, Instant started) {
    long start = System.nanoTime();
    rows.write()
        .format(outputFormat.sparkSource())
        .mode(SaveMode.ErrorIfExists)
        .save(paths.results());
    long count = spark.read().format(outputFormat.sparkSource()).load(paths.results()).count();
    List<Usage> usage = Backprop.usage(spark);
    paths.writeUsage(usage.stream().map(SqlCommand::json).toList());
    Summary summary =
        new Summary(
            query,
            account,
            count,
            paths.results(),
            outputFormat.sparkSource(),
            started.toString(),
            (System.nanoTime() - start) / 1e9,
            usage);
    paths.writeSummary(json(summary));
    return summary;
  }

  private static String json(Object value) {
    try {
      return Json.MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
