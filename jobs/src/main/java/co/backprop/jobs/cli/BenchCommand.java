package co.backprop.jobs.cli;

import co.backprop.engines.pipeline.BatchPolicy;
import co.backprop.jobs.bench.SurfacesBenchmark;
import co.backprop.jobs.bench.VectorisationBenchmark;
import co.backprop.jobs.bench.WholeProcesses;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Vectorises the same sentences through the Spark job and through a bare ONNX Runtime loop,",
      "same model and thread count, in one run; prints both rates and the ratio, in this JVM and",
      "as whole new processes (start to exit). Not a test."
    })
public final class BenchCommand implements Callable<Integer> {
  @Option(
      names = "--sentences",
      defaultValue = "10000",
      description = "Sentences to vectorise (default: ${DEFAULT-VALUE}).")
  int sentences;

  @Option(names = "--threads", description = "Threads for both (default: the machine's cores).")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(
      names = "--bare-batch",
      defaultValue = "32",
      description = "Batch size of the bare loop (default: ${DEFAULT-VALUE}).")
  int bareBatch;

  @Option(
      names = "--batch-tokens",
      defaultValue = "4096",
      description = "The job's padded tokens per micro-batch (default: ${DEFAULT-VALUE}).")
  int batchTokens;

  @Option(
      names = "--batch-rows",
      defaultValue = "64",
      description = "The job's rows per micro-batch (default: ${DEFAULT-VALUE}).")
  int batchRows;

  @Option(
      names = "--work",
      defaultValue = "out/bench",
      description = "Scratch folder (default: ${DEFAULT-VALUE}).")
  Path work;

  @Option(
      names = "--model",
      defaultValue = "english",
      description =
          "The vectorisation model (default: ${DEFAULT-VALUE}); another one, e.g. english-fast, is"
              + " also compared with english: stage rates and the mean cosine of the vectors.")
  String model;

  @Option(names = "--bare-only", description = "Measure the bare ONNX Runtime loop alone.")
  boolean bareOnly;

  @Option(
      names = "--surfaces",
      description =
          "Compare the job, the SQL function and the ML Transformer over the same sentences.")
  boolean surfaces;

  @Option(
      names = "--loop-process",
      hidden = true,
      paramLabel = "FILE",
      description = "The bare loop alone over a JSON-lines file's texts (the whole-process run).")
  Path loopProcess;

  @Override
  public Integer call() throws Exception {
    if (loopProcess != null) {
      WholeProcesses.loopProcess(loopProcess, model, threads, bareBatch, System.out);
      return 0;
    }
    if (surfaces) {
      new SurfacesBenchmark(
              sentences, threads, new BatchPolicy(batchTokens, batchRows, 2048), work, System.out)
          .run();
      return 0;
    }
    VectorisationBenchmark benchmark =
        new VectorisationBenchmark(
            sentences,
            threads,
            bareBatch,
            new BatchPolicy(batchTokens, batchRows, 2048),
            work,
            System.out);
    benchmark.model(model);
    (bareOnly ? benchmark.bareOnly() : benchmark).run();
    return 0;
  }
}
