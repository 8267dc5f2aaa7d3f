package co.backprop.jobs.bench;

import co.backprop.contract.model.ModelKind;
import co.backprop.contract.model.ModelSpec;
import co.backprop.contract.task.GenerationParameters;
import co.backprop.contract.task.GenerationRequest;
import co.backprop.contract.task.Task;
import co.backprop.contract.task.TaskOutput;
import co.backprop.engines.runner.GenerationInput;
import co.backprop.engines.runner.ModelCache;
import co.backprop.engines.runner.ModelRunner;
import co.backprop.engines.runner.RunnerOptions;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Generated tokens per second of a causal language model folder (model.onnx or model.pt,
 * tokenizer.json, config.json), with its KV cache and with the whole text recomputed at every step,
 * in one run. Every prompt generates exactly {@code maxLength} tokens (min_length = max_length,
 * greedy), so both runs do the same work; their texts must come out identical.
 */
public final class GenerationBenchmark {
  public record Result(
      double cachedTokensPerSecond,
      double uncachedTokensPerSecond,
      double decodingTokensPerSecond) {}

  private final Path folder;
  private final int prompts;
  private final int maxLength;
  private final int batchRows;
  private final int threads;
  private final PrintStream out;

  public GenerationBenchmark(
      Path folder, int prompts, int maxLength, int batchRows, int threads, PrintStream out) {
    this.folder = folder.toAbsolutePath();
    this.prompts = prompts;
    this.maxLength = maxLength;
    this.batchRows = batchRows;
    this.threads = threads;
    this.out = out;
  }

  private ModelSpec spec(boolean useCache) {
    boolean torchScript = Files.exists(folder.resolve("model.pt"));
    Map<String, String> files = new LinkedHashMap<>();
    files.put("model", torchScript ? "model.pt" : "model.onnx");
    files.put("tokenizer", "tokenizer.json");
    files.put("config", "config.json");
    return new ModelSpec(
        Task.TEXT_GENERATION,
        folder.getFileName().toString(),
        ModelKind.CAUSAL_LM,
        torchScript ? "PyTorch" : "OnnxRuntime",
        "benchmark",
        folder.getFileName().toString(),
        folder.toString(),
        files,
        Map.of("useCache", Boolean.toString(useCache)),
        "");
  }

  private List<GenerationRequest> requests(int length) {
    List<GenerationRequest> requests = new ArrayList<>();
    GenerationParameters parameters =
        new GenerationParameters(length, length, 0.0, null, null, null, null, null, null, null);
    for (String sentence : SyntheticSentences.generate(prompts, 11)) {
      requests.add(new GenerationRequest(sentence, parameters, null));
    }
    return requests;
  }

  public Result run() {
    List<GenerationRequest> requests = requests(maxLength);
    out.printf(
        Locale.ROOT,
        "generation benchmark: %s, %d prompts, %d tokens each, micro-batches of %d, %d intra-op"
            + " threads%n",
        folder,
        prompts,
        maxLength,
        batchRows,
        threads);
    List<TaskOutput> cachedTexts = new ArrayList<>();
    Run cachedRun = timed(spec(true), requests, maxLength, cachedTexts);
    double cached = cachedRun.tokensPerSecond();
    // The prompts alone (one token each): what reading them costs, so the rest is decoding.
    Run prompted = timed(spec(true), requests(1), 1, new ArrayList<>());
    double decoding =
        (double) (cachedRun.tokens() - prompted.tokens())
            / (cachedRun.seconds() - prompted.seconds());
    List<TaskOutput> uncachedTexts = new ArrayList<>();
    double uncached = timed(spec(false), requests, maxLength, uncachedTexts).tokensPerSecond();
    if (!cachedTexts.equals(uncachedTexts)) {
      throw new IllegalStateException("the cached and the uncached runs generated different texts");
    }
    out.printf(Locale.ROOT, "  with the KV cache:         %8.1f tokens/s%n", cached);
    out.printf(
        Locale.ROOT,
        "    of which reading the prompts (first token): %.2f s of %.2f s; decoding alone %.1f"
            + " tokens/s%n",
        prompted.seconds(),
        cachedRun.seconds(),
        decoding);
    out.printf(Locale.ROOT, "  recomputing every step:    %8.1f tokens/s%n", uncached);
    out.printf(
        Locale.ROOT,
        "  cache / no cache: %.2fx (same %d texts both ways)%n",
        cached / uncached,
        cachedTexts.size());
    return new Result(cached, uncached, decoding);
  }

  private record Run(long tokens, double seconds) {
    double tokensPerSecond() {
      return tokens / seconds;
    }
  }

  @SuppressWarnings("unchecked")
  private Run timed(
      ModelSpec spec, List<GenerationRequest> requests, int length, List<TaskOutput> texts) {
    try (ModelRunner<GenerationInput> runner =
        (ModelRunner<GenerationInput>)
            ModelCache.get(spec, RunnerOptions.cpu(threads), () -> {}).newRunner()) {
      runner.run(List.of(runner.prepare(requests.get(0)))); // warm-up
      long start = System.nanoTime();
      long tokens = 0;
      for (int first = 0; first < requests.size(); first += batchRows) {
        List<GenerationInput> batch =
            requests.subList(first, Math.min(requests.size(), first + batchRows)).stream()
                .map(runner::prepare)
                .toList();
        texts.addAll(runner.run(batch));
        tokens += (long) batch.size() * length;
      }
      return new Run(tokens, (System.nanoTime() - start) / 1e9);
    }
  }
}
