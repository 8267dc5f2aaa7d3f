package co.backprop.jobs.bench;

import ai.onnxruntime.OrtException;
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
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.IntUnaryOperator;
import java.util.stream.IntStream;

/**
 * Generated tokens per second of a causal language model folder (model.onnx or model.pt,
 * tokenizer.json, config.json), in one run: with its KV cache, against a bare ONNX Runtime loop on
 * the same batches ({@link BareDecodingLoop}), sampled at the API's default temperature, and with
 * the whole text recomputed at every step. Every prompt generates exactly {@code maxLength} tokens
 * (min_length = max_length, greedy), so both runs do the same work; their texts must come out
 * identical. The prompts are sorted by length before they are cut into micro-batches, as a job's
 * partition sorts its rows ({@code PartitionPipeline}): the rate is what a job gets, not that of
 * batches padded to their longest random prompt.
 */
public final class GenerationBenchmark {
  public record Result(
      double cachedTokensPerSecond,
      double uncachedTokensPerSecond,
      double decodingTokensPerSecond,
      double sampledTokensPerSecond,
      OptionalDouble bareTokensPerSecond) {}

  /** Untimed decoding before each timed run (a big model's first batch may take longer). */
  private static final Duration WARM_UP = Duration.ofSeconds(3);

  /** The least time a timed run takes. */
  private static final Duration MIN_TIMED = Duration.ofSeconds(3);

  private final Duration warmUp;
  private final Duration minTimed;

  private final Path folder;
  private final int prompts;
  private final int maxLength;
  private final int batchRows;
  private final int threads;
  private final PrintStream out;

  public GenerationBenchmark(
      Path folder, int prompts, int maxLength, int batchRows, int threads, PrintStream out) {
    this(folder, prompts, maxLength, batchRows, threads, out, WARM_UP, MIN_TIMED);
  }

  /** With shorter warm-up and timing: for a test, whose rates mean nothing. */
  GenerationBenchmark(
      Path folder,
      int prompts,
      int maxLength,
      int batchRows,
      int threads,
      PrintStream out,
      Duration warmUp,
      Duration minTimed) {
    this.folder = folder.toAbsolutePath();
    this.prompts = prompts;
    this.maxLength = maxLength;
    this.batchRows = batchRows;
    this.threads = threads;
    this.out = out;
    this.warmUp = warmUp;
    this.minTimed = minTimed;
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

  /** Prompts decoded greedily (temperature 0) or sampled (the API's default temperature, 1). */
  private List<GenerationRequest> requests(int length, double temperature) {
    return requests(i -> length, temperature);
  }

  /** Prompt {@code i} generating exactly {@code length.applyAsInt(i)} tokens. */
  private List<GenerationRequest> requests(IntUnaryOperator length, double temperature) {
    List<GenerationRequest> requests = new ArrayList<>();
    List<String> sentences = SyntheticSentences.generate(prompts, 11);
    for (int i = 0; i < sentences.size(); i++) {
      int tokens = length.applyAsInt(i);
      GenerationParameters parameters =
          new GenerationParameters(
              tokens, tokens, temperature, null, null, null, null, null, null, null);
      requests.add(new GenerationRequest(sentences.get(i), parameters, null));
    }
    return requests;
  }

  public Result run() {
    List<GenerationRequest> requests = requests(maxLength, 0.0);
    out.printf(
        Locale.ROOT,
        "generation benchmark: %s, %d prompts, %d tokens each, micro-batches of %d, %d intra-op"
            + " threads%n",
        folder,
        prompts,
        maxLength,
        batchRows,
        threads);
    // Each line as soon as its run ends: a 124M model takes minutes.
    List<TaskOutput> cachedTexts = new ArrayList<>();
    Run cachedRun = timed(spec(true), requests, cachedTexts);
    double cached = cachedRun.tokensPerSecond();
    out.printf(Locale.ROOT, "  with the KV cache:         %8.1f tokens/s%n", cached);
    OptionalDouble bare = bareRate(requests, maxLength);
    if (bare.isPresent()) {
      out.printf(
          Locale.ROOT,
          "    a bare ONNX Runtime loop on the same batches (greedy, cache fed back): %.1f"
              + " tokens/s; this runner / bare: %.2fx%n",
          bare.getAsDouble(),
          cached / bare.getAsDouble());
    }
    // The prompts alone (one token each): what reading them costs, so the rest is decoding.
    Run prompted = timed(spec(true), requests(1, 0.0), new ArrayList<>());
    double decoding =
        (double) (cachedRun.tokensPerPass() - prompted.tokensPerPass())
            / (cachedRun.secondsPerPass() - prompted.secondsPerPass());
    out.printf(
        Locale.ROOT,
        "    of which reading the prompts (first token): %.3f s of a pass's %.3f s; decoding alone"
            + " %.1f tokens/s%n",
        prompted.secondsPerPass(),
        cachedRun.secondsPerPass(),
        decoding);
    double sampled =
        timed(spec(true), requests(maxLength, 1.0), new ArrayList<>()).tokensPerSecond();
    out.printf(
        Locale.ROOT,
        "  sampled (temperature 1, the API's default), with the cache: %.1f tokens/s%n",
        sampled);
    // Sequences of one batch ending at different steps, as texts ending at their end token do.
    double endingApart =
        timed(spec(true), requests(i -> 1 + (i * 7919) % maxLength, 0.0), new ArrayList<>())
            .tokensPerSecond();
    out.printf(
        Locale.ROOT,
        "  ending at different lengths (1 to %d tokens), with the cache: %.1f tokens/s%n",
        maxLength,
        endingApart);
    List<TaskOutput> uncachedTexts = new ArrayList<>();
    double uncached = timed(spec(false), requests, uncachedTexts).tokensPerSecond();
    out.printf(Locale.ROOT, "  recomputing every step:    %8.1f tokens/s%n", uncached);
    long differing =
        IntStream.range(0, cachedTexts.size())
            .filter(i -> !cachedTexts.get(i).equals(uncachedTexts.get(i)))
            .count();
    if (differing > 0) {
      throw new IllegalStateException(
          "the cached and the uncached runs generated different texts for "
              + differing
              + " of "
              + cachedTexts.size()
              + " prompts (expected only of a model that quantises its activations per call, such"
              + " as int8 DynamicQuantizeLinear, whose numbers depend on what shares the call)");
    }
    out.printf(
        Locale.ROOT,
        "  cache / no cache: %.2fx (same %d texts both ways)%n",
        cached / uncached,
        cachedTexts.size());
    return new Result(cached, uncached, decoding, sampled, bare);
  }

  /**
   * The bare loop's rate on the same prompts, sorted and batched the same way, warmed up and timed
   * the same way; empty for a model it cannot drive (TorchScript, or no fixed-shape KV cache).
   */
  @SuppressWarnings("unchecked")
  private OptionalDouble bareRate(List<GenerationRequest> requests, int length) {
    Path onnx = folder.resolve("model.onnx");
    if (!Files.exists(onnx)) {
      return OptionalDouble.empty();
    }
    List<List<long[]>> batches = new ArrayList<>();
    try (ModelRunner<GenerationInput> runner =
        (ModelRunner<GenerationInput>)
            ModelCache.get(spec(true), RunnerOptions.cpu(threads), () -> {}).newRunner()) {
      List<GenerationRequest> sorted = sortedLikeAPartition(runner, requests);
      for (int first = 0; first < sorted.size(); first += batchRows) {
        batches.add(batch(runner, sorted, first).stream().map(GenerationInput::prompt).toList());
      }
    }
    try {
      Optional<BareDecodingLoop> opened = BareDecodingLoop.open(onnx, threads);
      if (opened.isEmpty()) {
        return OptionalDouble.empty();
      }
      try (BareDecodingLoop loop = opened.get()) {
        return OptionalDouble.of(
            timedPasses(
                    batches.size(),
                    (b, pass) -> {
                      loop.generate(batches.get(b), length);
                      return (long) batches.get(b).size() * length;
                    })
                .tokensPerSecond());
      }
    } catch (OrtException e) {
      throw new IllegalStateException("the bare ONNX Runtime loop failed: " + e.getMessage(), e);
    }
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

  /** The requests in the order a partition runs them: by their prepared token count. */
  private static List<GenerationRequest> sortedLikeAPartition(
      ModelRunner<GenerationInput> runner, List<GenerationRequest> requests) {
    return requests.stream()
        .map(request -> Map.entry(runner.prepare(request).tokens(), request))
        .sorted(Map.Entry.comparingByKey())
        .map(Map.Entry::getValue)
        .toList();
  }

  @SuppressWarnings("unchecked")
  private Run timed(ModelSpec spec, List<GenerationRequest> unsorted, List<TaskOutput> texts) {
    try (ModelRunner<GenerationInput> runner =
        (ModelRunner<GenerationInput>)
            ModelCache.get(spec, RunnerOptions.cpu(threads), () -> {}).newRunner()) {
      List<GenerationRequest> requests = sortedLikeAPartition(runner, unsorted);
      return timedPasses(
          (requests.size() + batchRows - 1) / batchRows,
          (b, pass) -> {
            List<GenerationInput> batch = batch(runner, requests, b * batchRows);
            List<TaskOutput> generated = runner.run(batch);
            if (pass == 0) {
              texts.addAll(generated); // the first timed pass's texts are compared
            }
            // Each request generates exactly its length (min_length = max_length).
            return requests.subList(b * batchRows, b * batchRows + batch.size()).stream()
                .mapToLong(request -> request.parameters().maxLength())
                .sum();
          });
    }
  }

  /** Decodes one batch in a pass (-1 while warming up); returns the tokens it generated. */
  private interface BatchRun {
    long run(int batch, int pass);
  }

  /**
   * Warms a way of decoding up (the JIT, the engine's buffers) for {@link #warmUp}, cycling over
   * the batches: for a small model the first seconds run several times slower, and the ways must
   * not differ in that. Then times whole passes over every batch for at least {@link #minTimed}: a
   * small model's pass takes milliseconds, too short to time alone.
   */
  private Run timedPasses(int batches, BatchRun run) {
    long warmUpEnd = System.nanoTime() + warmUp.toNanos();
    for (int b = 0; System.nanoTime() < warmUpEnd; b = (b + 1) % batches) {
      run.run(b, -1);
    }
    long start = System.nanoTime();
    long tokens = 0;
    int pass = 0;
    for (; pass == 0 || System.nanoTime() - start < minTimed.toNanos(); pass++) {
      for (int b = 0; b < batches; b++) {
        tokens += run.run(b, pass);
      }
    }
    return new Run(tokens, (System.nanoTime() - start) / 1e9, pass);
  }
}
