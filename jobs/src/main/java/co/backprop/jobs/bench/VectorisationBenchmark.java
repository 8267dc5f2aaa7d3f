package co.backprop.jobs.bench;

import co.backprop.contract.model.ModelCatalog;
import co.backprop.contract.model.ModelFiles;
import co.backprop.contract.model.ModelSpec;
import co.backprop.contract.task.Task;
import co.backprop.engines.pipeline.BatchPolicy;
import co.backprop.engines.runner.Vectors;
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
 * ({@code local[threads]}, one intra-op thread per task). Prints both rates and their ratio, then
 * the same comparison as two whole new processes ({@link WholeProcesses}).
 */
public final class VectorisationBenchmark {
  public record Result(
      int sentences,
      double bareInInputOrder,
      double bareSorted,
      double sparkStage,
      double sparkJob,
      double wholeProcessRatio) {}

  private final int sentences;
  private boolean bareOnly;
  private String model = "english";
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

  /**
   * Benchmarks another vectorisation model (e.g. {@code english-fast}); the run then also measures
   * the fp32 {@code english} job and the mean cosine of the two models' vectors.
   */
  public VectorisationBenchmark model(String name) {
    this.model = name;
    return this;
  }

  /** Measures the bare loop alone (for benchmarks elsewhere that compare against it). */
  public VectorisationBenchmark bareOnly() {
    bareOnly = true;
    return this;
  }

  public Result run() throws Exception {
    List<String> texts = SyntheticSentences.generate(sentences, 42);
    ModelSpec spec = ModelCatalog.bundled().resolve(Task.TEXT_VECTORISATION, model);
    Map<String, Path> files = ModelFiles.localFiles(spec);
    out.printf(
        Locale.ROOT,
        "benchmark: %,d sentences, %d threads, text-vectorisation/%s on ONNX Runtime%n",
        sentences,
        threads,
        model);

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
      job(spark, warmInput, work.resolve("warm-up"), model); // loads the model into this JVM
      long start = System.nanoTime();
      summary = job(spark, input, work.resolve("results"), model);
      jobSeconds = (System.nanoTime() - start) / 1e9;
      if (!model.equals("english")) {
        compareWithFp32(spark, input, warmInput, summary);
      }
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
    WholeProcesses.Result processes =
        WholeProcesses.measure(
            input, sentences, model, threads, bareBatch, policy, work.resolve("processes"), out);
    return new Result(
        sentences,
        bareUnsorted,
        bare,
        sparkRate,
        sparkJobRate,
        processes == null ? Double.NaN : processes.ratio());
  }

  /**
   * The fp32 english job over the same rows: its stage rate, and the mean cosine of the vectors.
   */
  private void compareWithFp32(SparkSession spark, Path input, Path warmInput, JobSummary summary) {
    job(spark, warmInput, work.resolve("warm-up-english"), "english");
    JobSummary english = job(spark, input, work.resolve("results-english"), "english");
    Map<Long, float[]> reference = new java.util.HashMap<>();
    spark
        .read()
        .json(english.resultsPath())
        .select("id", "vector")
        .collectAsList()
        .forEach(row -> reference.put(row.getLong(0), floats(row.getList(1))));
    double sum = 0;
    int count = 0;
    for (org.apache.spark.sql.Row row :
        spark.read().json(summary.resultsPath()).select("id", "vector").collectAsList()) {
      sum += Vectors.cosine(floats(row.getList(1)), reference.get(row.getLong(0)));
      count++;
    }
    double fast = sentences / summary.inferenceSeconds();
    double full = sentences / english.inferenceSeconds();
    out.printf(
        Locale.ROOT,
        "  %s job stage %.1f sentences/s against english (fp32) %.1f: %.2fx; mean cosine to the"
            + " fp32 vectors over %,d sentences: %.4f%n",
        model,
        fast,
        full,
        fast / full,
        count,
        sum / count);
  }

  private static float[] floats(List<Object> values) {
    float[] vector = new float[values.size()];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = ((Number) values.get(i)).floatValue();
    }
    return vector;
  }

  private JobSummary job(SparkSession spark, Path input, Path output, String name) {
    JobOptions options =
        JobOptions.builder(input.toString(), output.toString())
            .optTask(Task.TEXT_VECTORISATION)
            .optModel(name)
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
