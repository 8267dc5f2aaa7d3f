package co.backprop.jobs.cli;

import co.backprop.jobs.bench.GenerationBenchmark;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "bench-generation",
    mixinStandardHelpOptions = true,
    description = {
      "Tokens/second of a causal language model folder with and without its KV cache, against a"
          + " bare ONNX Runtime loop, greedy and sampled, in one run. Not a test.",
      "Folders: engines/src/test/resources/fixtures/lm-tiny-cached (the fixture), out/bench-lm"
          + " (made by",
      "scripts/make-bench-lm.py), or a fetched model, e.g. ~/.backprop/models/gpt2."
    })
public final class BenchGenerationCommand implements Callable<Integer> {
  @Option(
      names = "--model",
      required = true,
      description = "Folder with model.onnx (or model.pt), tokenizer.json, config.json.")
  Path model;

  @Option(
      names = "--prompts",
      defaultValue = "64",
      description = "Prompts (default: ${DEFAULT-VALUE}).")
  int prompts;

  @Option(
      names = "--max-length",
      defaultValue = "64",
      description = "Tokens generated per prompt (default: ${DEFAULT-VALUE}).")
  int maxLength;

  @Option(
      names = "--batch-rows",
      defaultValue = "16",
      description = "Prompts decoded together (default: ${DEFAULT-VALUE}).")
  int batchRows;

  @Option(names = "--threads", description = "Intra-op threads (default: the machine's cores).")
  int threads = Runtime.getRuntime().availableProcessors();

  @Override
  public Integer call() {
    new GenerationBenchmark(model, prompts, maxLength, batchRows, threads, System.out).run();
    return 0;
  }
}
