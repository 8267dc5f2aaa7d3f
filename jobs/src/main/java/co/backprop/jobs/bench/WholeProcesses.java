package co.backprop.jobs.bench;

import co.backprop.contract.model.ModelCatalog;
import co.backprop.contract.model.ModelFiles;
import co.backprop.contract.model.ModelSpec;
import co.backprop.contract.task.Json;
import co.backprop.contract.task.Task;
import co.backprop.engines.pipeline.BatchPolicy;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a user waits for: start-to-exit wall time of two new processes over the same JSON-lines
 * file, one after the other — the bare ONNX Runtime loop ({@code bin/backprop bench
 * --loop-process}, which reads the file, loads the model, embeds every line sorted by length and
 * exits) and {@code bin/backprop job} (which also checks ids, writes results, usage and a summary).
 * Both start the same JVM through the same launcher.
 */
public final class WholeProcesses {
  /** Start-to-exit seconds of both, and the job's rate as a share of the loop's. */
  public record Result(double loopSeconds, double jobSeconds) {
    public double ratio() {
      return loopSeconds / jobSeconds;
    }
  }

  private WholeProcesses() {}

  public static Result measure(
      Path input,
      int sentences,
      String model,
      int threads,
      int bareBatch,
      BatchPolicy policy,
      Path work,
      PrintStream out)
      throws IOException, InterruptedException {
    Path launcher = Path.of(System.getProperty("backprop.home", ".")).resolve("bin/backprop");
    if (!Files.isExecutable(launcher)) {
      out.println(
          "  whole processes: not measured (no bin/backprop: run the benchmark through it)");
      return null;
    }
    double loop =
        time(
            work.resolve("loop-process"),
            launcher.toString(),
            "bench",
            "--loop-process",
            input.toString(),
            "--model",
            model,
            "--threads",
            Integer.toString(threads),
            "--bare-batch",
            Integer.toString(bareBatch));
    double job =
        time(
            work.resolve("job-process"),
            launcher.toString(),
            "job",
            "--master",
            "local[" + threads + "]",
            "--task",
            "text-vectorisation",
            "--model",
            model,
            "--input",
            input.toString(),
            "--output",
            work.resolve("job-process/output").toString(),
            "--id-col",
            "id",
            "--batch-tokens",
            Integer.toString(policy.tokenBudget()),
            "--batch-rows",
            Integer.toString(policy.maxBatchRows()),
            "--overwrite",
            "--no-progress");
    Result result = new Result(loop, job);
    out.printf(
        Locale.ROOT,
        "  whole process, start to exit: bare loop %.1f s (%.1f sentences/s), job %.1f s (%.1f"
            + " sentences/s); job / loop: %.2fx%n",
        loop,
        sentences / loop,
        job,
        sentences / job,
        result.ratio());
    double jobStage = number(work.resolve("job-process"), JOB_STAGE);
    double loopRate = number(work.resolve("loop-process"), LOOP_RATE);
    out.printf(
        Locale.ROOT,
        "    outside inference: job %.1f s (its cold stage %.1f s, %.1f sentences/s), loop %.1f"
            + " s%n",
        job - jobStage,
        jobStage,
        sentences / jobStage,
        loop - sentences / loopRate);
    return result;
  }

  /** The job's summary line: "(56.8 s running models and writing results)". */
  private static final Pattern JOB_STAGE = Pattern.compile("\\(([0-9.]+) s running models");

  /** The loop process's line: "bare loop: 20,000 sentences, 413.6 sentences/s". */
  private static final Pattern LOOP_RATE =
      Pattern.compile("bare loop: [0-9,]+ sentences, ([0-9.]+)");

  /** A number a process printed, from its log. */
  private static double number(Path folder, Pattern pattern) throws IOException {
    Matcher matcher = pattern.matcher(Files.readString(folder.resolve("process.log")));
    if (!matcher.find()) {
      throw new IOException("no line matching " + pattern + " in " + folder.resolve("process.log"));
    }
    return Double.parseDouble(matcher.group(1));
  }

  /** Runs one command to its end; its wall time in seconds. */
  private static double time(Path folder, String... command)
      throws IOException, InterruptedException {
    Files.createDirectories(folder);
    Path log = folder.resolve("process.log");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("BACKPROP_NO_BUILD", "1");
    long start = System.nanoTime();
    int exit = builder.start().waitFor();
    double seconds = (System.nanoTime() - start) / 1e9;
    if (exit != 0) {
      throw new IOException(
          String.join(" ", command) + " exited with " + exit + "; its output is in " + log);
    }
    return seconds;
  }

  /**
   * The loop process's work: reads the file's {@code text} fields, loads the model and embeds every
   * line sorted by length; prints the loop's own rate.
   */
  public static void loopProcess(
      Path input, String model, int threads, int bareBatch, PrintStream out) throws Exception {
    List<String> texts = new ArrayList<>();
    for (String line : Files.readAllLines(input)) {
      if (!line.isBlank()) {
        texts.add(Json.MAPPER.readTree(line).path("text").asText());
      }
    }
    ModelSpec spec = ModelCatalog.bundled().resolve(Task.TEXT_VECTORISATION, model);
    Map<String, Path> files = ModelFiles.localFiles(spec);
    try (BareOnnxLoop loop =
        new BareOnnxLoop(files.get("model"), files.get("tokenizer"), 256, threads)) {
      long start = System.nanoTime();
      int embedded = loop.run(texts, bareBatch, true);
      out.printf(
          Locale.ROOT,
          "bare loop: %,d sentences, %.1f sentences/s%n",
          embedded,
          embedded / ((System.nanoTime() - start) / 1e9));
    }
  }
}
