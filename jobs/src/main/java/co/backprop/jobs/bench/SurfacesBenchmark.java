package co.backprop.jobs.bench;

import co.backprop.contract.task.Task;
import co.backprop.engines.pipeline.BatchPolicy;
import co.backprop.jobs.BatchJob;
import co.backprop.jobs.JobOptions;
import co.backprop.jobs.JobSummary;
import co.backprop.jobs.spark.SparkSessions;
import co.backprop.spark.BackpropTransformer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Vectorises the same sentences through the three ways in, in one Spark session and one run: the
 * job, the SQL function ({@code SELECT id, backprop_vectorise(text) FROM t}) and the ML
 * Transformer, each writing JSON lines. Prints rows/s of each and their ratios to the job's
 * inference stage. Not a test.
 */
public final class SurfacesBenchmark {
  public record Result(double jobStage, double jobWhole, double sql, double transformer) {}

  private final int sentences;
  private final int threads;
  private final BatchPolicy policy;
  private final Path work;
  private final PrintStream out;

  public SurfacesBenchmark(
      int sentences, int threads, BatchPolicy policy, Path work, PrintStream out) {
    this.sentences = sentences;
    this.threads = threads;
    this.policy = policy;
    this.work = work;
    this.out = out;
  }

  public Result run() throws Exception {
    List<String> texts = SyntheticSentences.generate(sentences, 42);
    Path input = writeInput(texts, "sentences.jsonl");
    int warmRows = Math.min(200, texts.size());
    Path warmInput = writeInput(texts.subList(0, warmRows), "warm-up.jsonl");
    out.printf(
        Locale.ROOT,
        "benchmark: %,d sentences, local[%d], all-MiniLM-L6-v2: the job, the SQL function and the"
            + " Transformer%n",
        sentences,
        threads);
    SparkSession spark =
        SparkSessions.create(
            "backprop bench surfaces",
            "local[" + threads + "]",
            Map.of("spark.ui.enabled", "false"));
    try {
      // Warm-up: the model loads into this JVM's cache once, and each path's code is compiled.
      job(spark, warmInput, "warm-up-job");
      timed(spark, warmInput, warmRows, "warm-up-sql", SurfacesBenchmark::sql);
      timed(spark, warmInput, warmRows, "warm-up-transformer", SurfacesBenchmark::transformer);

      long start = System.nanoTime();
      JobSummary summary = job(spark, input, "job");
      double jobWhole = sentences / ((System.nanoTime() - start) / 1e9);
      double jobStage = sentences / summary.inferenceSeconds();
      if (summary.ok() != sentences) {
        throw new IllegalStateException("the job vectorised " + summary.ok() + " of " + sentences);
      }
      double sql = timed(spark, input, sentences, "sql", SurfacesBenchmark::sql);
      double transformer =
          timed(spark, input, sentences, "transformer", SurfacesBenchmark::transformer);
      // The job again, last: what runs first on a fresh JVM may be slower for that alone.
      double jobStageFirst = jobStage;
      jobStage = (jobStage + sentences / job(spark, input, "job-again").inferenceSeconds()) / 2;
      out.printf(
          Locale.ROOT,
          "  job, inference and write stage:        %8.1f rows/s (first %.1f, mean of 2 runs)%n"
              + "  job, whole run (survey, usage, summary): %6.1f rows/s%n"
              + "  SQL backprop_vectorise(text), written: %8.1f rows/s (%.2fx the job's stage)%n"
              + "  BackpropTransformer, written:          %8.1f rows/s (%.2fx the job's stage)%n",
          jobStage,
          jobStageFirst,
          jobWhole,
          sql,
          sql / jobStage,
          transformer,
          transformer / jobStage);
      return new Result(jobStage, jobWhole, sql, transformer);
    } finally {
      spark.stop();
    }
  }

  private static Dataset<Row> sql(Dataset<Row> table) {
    table.createOrReplaceTempView("sentences");
    return table.sparkSession().sql("SELECT id, backprop_vectorise(text) AS v FROM sentences");
  }

  private static Dataset<Row> transformer(Dataset<Row> table) {
    return new BackpropTransformer()
        .setTask(Task.TEXT_VECTORISATION.apiName())
        .setOutputCol("v")
        .transform(table)
        .select("id", "v");
  }

  /** Rows/s of writing the query's rows as JSON lines; every row must be ok. */
  private double timed(
      SparkSession spark,
      Path input,
      long rows,
      String name,
      Function<Dataset<Row>, Dataset<Row>> query) {
    String output = work.resolve(name).toString();
    long start = System.nanoTime();
    Dataset<Row> table = spark.read().json(input.toString());
    query.apply(table).write().mode(SaveMode.Overwrite).json(output);
    double seconds = (System.nanoTime() - start) / 1e9;
    long ok = spark.read().json(output).filter("v.status = 'ok'").count();
    if (ok != rows) {
      throw new IllegalStateException(name + " vectorised " + ok + " of " + rows);
    }
    return rows / seconds;
  }

  private JobSummary job(SparkSession spark, Path input, String name) {
    JobOptions options =
        JobOptions.builder(input.toString(), work.resolve(name).toString())
            .optTask(Task.TEXT_VECTORISATION)
            .optIdColumn("id")
            .optOverwrite(true)
            .optBatchPolicy(policy)
            .optProgress(false)
            .build();
    return new BatchJob(spark, options).run();
  }

  private Path writeInput(List<String> texts, String name) throws Exception {
    return SyntheticSentences.writeJsonLines(texts, work.resolve(name));
  }
}
