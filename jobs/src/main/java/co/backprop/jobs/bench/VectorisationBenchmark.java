package co.backprop.jobs.bench;

import co.backprop.contract.model.ModelCatalog;
import co.backprop.contract.model.ModelFiles;
import co.backprop.contract.model.ModelSpec;
import co.backprop.contract.task.Task;
import co.backprop.engines.pipeline.BatchPolicy;
import co.backprop.jobs.BatchJob;
import co.backprop.jobs.JobOptions;
import co.backprop.jobs.JobSummary;
import co.backprop.jobs.spark.SparkSessions;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Vectorises the same sentences with the same model and the same number of threads two ways, in one
 * run: a bare ONNX Runtime loop (one session, {@code threads} intra-op threads) and the Spark job
 * ({@code local[threads]}, one intra-op thread per task). Prints both rates and their ratio.
 */
public final class VectorisationBenchmark {
  public record Result(
      int sentences,
      double bareInInputOrder,
      double bareSorted,
      double sparkStage,
      double sparkJob) {}

  private final int sentences;
  private boolean bareOnly;
  private final int threads;
  private final int bareBatch;
  private final BatchPolicy policy;
  private final Path work;
  private final PrintStream out;

  public VectorisationBenchmark(
      int sentences, int threads, int bareBatch, BatchPolicy policy, Path work, PrintStream out) {
    this.sentences = sentences;
    this.threads = threads;
    this.bareBatch = bareBatch;
    this.policy = policy;
    this.work = work;
    this.out = out;
  }

  /** Measures the bare loop alone (for benchmarks elsewhere that compare against it). */
  public VectorisationBenchmark bareOnly() {
    bareOnly = true;
    return this;
  }

  public Result run() throws Exception {
    List<String> texts = SyntheticSentences.generate(sentences, 42);
    ModelSpec english = ModelCatalog.bundled().resolve(Task.TEXT_VECTORISATION, "english");
    Map<String, Path> files = ModelFiles.localFiles(english);
    out.printf(
        Locale.ROOT,
        "benchmark: %,d sentences, %d threads, all-MiniLM-L6-v2 on ONNX Runtime%n",
        sentences,
        threads);

    double bareUnsorted;
    double bareBefore;
    try (BareOnnxLoop loop =
        new BareOnnxLoop(files.get("model"), files.get("tokenizer"), 256, threads)) {
      int[] tokens = loop.tokenCounts(texts);
      out.printf(
          Locale.ROOT,
          "  sentences: mean %.1f tokens, max %d%n",
          java.util.Arrays.stream(tokens).average().orElse(0),
          java.util.Arrays.stream(tokens).max().orElse(0));
      loop.run(texts.subList(0, Math.min(200, texts.size())), bareBatch, false); // warm-up
      bareUnsorted = rate(() -> loop.run(texts, bareBatch, false));
      out.printf(
          Locale.ROOT,
          "  bare ONNX Runtime loop, batches of %d in input order:     %8.1f sentences/s%n",
          bareBatch,
          bareUnsorted);
      bareBefore = rate(() -> loop.run(texts, bareBatch, true));
      out.printf(
          Locale.ROOT,
          "  bare ONNX Runtime loop, batches of %d sorted by length:   %8.1f sentences/s%n",
          bareBatch,
          bareBefore);
    }

    if (bareOnly) {
      out.printf(Locale.ROOT, "bare-loop-sorted: %.1f sentences/s%n", bareBefore);
      return null;
    }
    Path input = writeInput(texts);
    Path warmInput = writeInput(texts.subList(0, Math.min(200, texts.size())));
    SparkSession spark =
        SparkSessions.create(
            "backprop bench", "local[" + threads + "]", Map.of("spark.ui.enabled", "false"));
    JobSummary summary;
    double jobSeconds;
    try {
      job(spark, warmInput, work.resolve("warm-up")); // loads the model into this JVM's cache
      long start = System.nanoTime();
      summary = job(spark, input, work.resolve("results"));
      jobSeconds = (System.nanoTime() - start) / 1e9;
    } finally {
      spark.stop();
    }
    if (summary.ok() != sentences) {
      throw new IllegalStateException(
          "the Spark job vectorised " + summary.ok() + " of " + sentences + " sentences");
    }
    double sparkRate = sentences / summary.inferenceSeconds();
    double sparkJobRate = sentences / jobSeconds;
    out.printf(
        Locale.ROOT,
        "  Spark job, local[%d], 1 intra-op thread per task:         %8.1f sentences/s (inference"
            + " and write stage)%n",
        threads,
        sparkRate);
    out.printf(
        Locale.ROOT,
        "  Spark job end to end (survey, inference, usage, summary): %8.1f sentences/s%n",
        sparkJobRate);

    double bareAfter;
    try (BareOnnxLoop loop =
        new BareOnnxLoop(files.get("model"), files.get("tokenizer"), 256, threads)) {
      loop.run(texts.subList(0, Math.min(200, texts.size())), bareBatch, false);
      bareAfter = rate(() -> loop.run(texts, bareBatch, true));
    }
    double bare = (bareBefore + bareAfter) / 2;
    out.printf(
        Locale.ROOT,
        "  bare loop sorted, again after Spark:                      %8.1f sentences/s (mean of"
            + " both: %.1f)%n",
        bareAfter,
        bare);
    out.printf(
        Locale.ROOT,
        "  ratio Spark job / bare sorted loop: %.2fx (inference stage), %.2fx (whole job); / bare"
            + " loop in input order: %.2fx%n",
        sparkRate / bare,
        sparkJobRate / bare,
        sparkRate / bareUnsorted);
    return new Result(sentences, bareUnsorted, bare, sparkRate, sparkJobRate);
  }

  private JobSummary job(SparkSession spark, Path input, Path output) {
    JobOptions options =
        JobOptions.builder(input.toString(), output.toString())
            .optTask(Task.TEXT_VECTORISATION)
            .optIdColumn("id")
            .optOverwrite(true)
            .optBatchPolicy(policy)
            .build();
    return new BatchJob(spark, options).run();
  }

  private Path writeInput(List<String> texts) throws Exception {
    Files.createDirectories(work);
    return SyntheticSentences.writeJsonLines(
        texts, Files.createTempFile(work, "sentences-", ".jsonl"));
  }

  private interface Counted {
    int run() throws Exception;
  }

  private static double rate(Counted work) throws Exception {
    long start = System.nanoTime();
    int count = work.run();
    return count / ((System.nanoTime() - start) / 1e9);
  }
}
