package co.backprop.engines.runner;

import co.backprop.contract.model.ModelSpec;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The models loaded in this JVM. On a Spark executor every task asks here: the first loads, the
 * concurrent ones wait for it, later ones reuse it. Weights are keyed by their files, so the
 * catalog entries that run on the same files (MiniLM for vectorisation, zero-shot classification,
 * emotion and summaries) share one copy. Models stay loaded for the life of the JVM (an executor
 * serves one application) and are closed at shutdown.
 */
public final class ModelCache {
  private record WeightsKey(ModelSpec.Weights weights, RunnerOptions options) {}

  private record ModelKey(ModelSpec spec, RunnerOptions options) {}

  private static final Map<WeightsKey, Slot<TransformerModel>> WEIGHTS = new ConcurrentHashMap<>();
  private static final Map<ModelKey, Slot<LoadedModel>> MODELS = new ConcurrentHashMap<>();
  private static final AtomicInteger LOADS = new AtomicInteger();

  // No shutdown hook closes the models: tasks may still be in a forward pass when the JVM is told
  // to stop, and freeing a session under them crashes ONNX Runtime (seen: SIGSEGV). The OS frees it
  // all.

  private ModelCache() {}

  /**
   * The loaded model; {@code onLoad} runs only in the call that actually loads weights (this is how
   * a job counts loads across executor JVMs).
   */
  public static LoadedModel get(ModelSpec spec, RunnerOptions options, Runnable onLoad) {
    return MODELS
        .computeIfAbsent(new ModelKey(spec, options), key -> new Slot<>())
        .get(() -> ModelLoader.load(spec, weights(spec, options, onLoad)));
  }

  private static TransformerModel weights(ModelSpec spec, RunnerOptions options, Runnable onLoad) {
    return WEIGHTS
        .computeIfAbsent(new WeightsKey(spec.weights(), options), key -> new Slot<>())
        .get(
            () -> {
              TransformerModel weights = ModelLoader.loadWeights(spec, options);
              LOADS.incrementAndGet();
              onLoad.run();
              return weights;
            });
  }

  /** How many times this JVM has loaded weights. */
  public static int loads() {
    return LOADS.get();
  }

  /** Closes and forgets every model (tests). */
  public static synchronized void closeAll() {
    MODELS.values().forEach(Slot::close);
    MODELS.clear();
    WEIGHTS.values().forEach(Slot::close);
    WEIGHTS.clear();
  }

  /** One value's place in the cache; a failed load leaves it empty so a retry tries again. */
  private static final class Slot<T extends AutoCloseable> {
    private T value;

    synchronized T get(Supplier<T> load) {
      if (value == null) {
        value = load.get();
      }
      return value;
    }

    synchronized void close() {
      if (value != null) {
        try {
          value.close();
        } catch (Exception e) {
          throw new IllegalStateException("cannot close a cached model", e);
        }
        value = null;
      }
    }
  }
}
