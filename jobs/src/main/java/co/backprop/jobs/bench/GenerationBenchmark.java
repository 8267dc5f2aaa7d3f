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
import java.time.Duration;
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

  /** Untimed decoding before each timed run (a big model's first batch may take longer). */
  private static final Duration WARM_UP = Duration.ofSeconds(3);

  /** The least time a timed run takes. */
  private static final Duration MIN_TIMED = Duration.ofSeconds(3);

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
        (double) (cachedRun.tokensPerPass() - prompted.tokensPerPass())
            / (cachedRun.secondsPerPass() - prompted.secondsPerPass());
    List<TaskOutput> uncachedTexts = new ArrayList<>();
    double uncached = timed(spec(false), requests, maxLength, uncachedTexts).tokensPerSecond();
    if (!cachedTexts.equals(uncachedTexts)) {
      throw new IllegalStateException("the cached and the uncached runs generated different texts");
    }
    out.printf(Locale.ROOT, "  with the KV cache:         %8.1f tokens/s%n", cached);
    out.printf(
        Locale.ROOT,
        "    of which reading the prompts (first token): %.3f s of a pass's %.3f s; decoding alone"
            + " %.1f tokens/s%n",
        prompted.secondsPerPass(),
        cachedRun.secondsPerPass(),
        decoding);
    out.printf(Locale.ROOT, "  recomputing every step:    %8.1f tokens/s%n", uncached);
    out.printf(
        Locale.ROOT,
        "  cache / no cache: %.2fx (same %d texts both ways)%n",
        cached / uncached,
        cachedTexts.size());
    return new Result(cached, uncached, decoding);
  }

  /** Timed passes over every prompt. */
  private record Run(long tokens, double seconds, int passes) {
    double tokensPerPass() {
      return (double) tokens / passes;
    }

    double secondsPerPass() {
      return seconds / passes;
    }

    double tokensPerSecond() {
      return tokens / seconds;
    }
  }

  private List<GenerationInput> batch(
      ModelRunner<GenerationInput> runner, List<GenerationRequest> requests, int first) {
    return requests.subList(first, Math.min(requests.size(), first + batchRows)).stream()
        .map(runner::prepare)
        .toList();
  }

  @SuppressWarnings("unchecked")
  private Run timed(
      ModelSpec spec, List<GenerationRequest> requests, int length, List<TaskOutput> texts) {
    try (ModelRunner<GenerationInput> runner =
        (ModelRunner<GenerationInput>)
            ModelCache.get(spec, RunnerOptions.cpu(threads), () -> {}).newRunner()) {
      // Warm up this way of decoding (the JIT, the engine's buffers) before timing it: for a small
      // model the first seconds run several times slower, and the runs must not differ in that.
      long warmUpEnd = System.nanoTime() + WARM_UP.toNanos();
      for (int first = 0;
          System.nanoTime() < warmUpEnd;
          first = (first + batchRows) % requests.size()) {
        runner.run(batch(runner, requests, first));
      }
      // Whole passes over the prompts for at least a few seconds: a small model's pass is a few
      // milliseconds, too short to time. The first pass's texts are compared.
      long start = System.nanoTime();
      long tokens = 0;
      int pass = 0;
      for (; pass == 0 || System.nanoTime() - start < MIN_TIMED.toNanos(); pass++) {
        for (int first = 0; first < requests.size(); first += batchRows) {
          List<GenerationInput> batch = batch(runner, requests, first);
          List<TaskOutput> generated = runner.run(batch);
          if (pass == 0) {
            texts.addAll(generated);
          }
          tokens += (long) batch.size() * length;
        }
      }
      return new Run(tokens, (System.nanoTime() - start) / 1e9, pass);
    }
  }
}
