package co.backprop.engines.runner;

import co.backprop.contract.model.ModelSpec;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models loaded in this JVM. On a Spark executor every task asks here: the first loads, the
 * concurrent ones wait for it, later ones reuse it. Weights are keyed by their files, so the
 * catalog entries that run on the same files (MiniLM for vectorisation, zero-shot classification,
 * emotion and summaries) share one copy. Models stay loaded for the life of the JVM (an executor
 * serves one application), except those whose folder is gone: an account's upload replaced (each
 * upload has a folder of its own) or deleted. Each load retires them; they close when the last
 * runner still open on them does.
 */
public final class ModelCache {
  private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);

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
    Slot<LoadedModel> slot =
        MODELS.computeIfAbsent(new ModelKey(spec, options), key -> new Slot<>());
    if (slot.peek() == null) {
      retireGone(); // outside any slot's lock: it looks into other slots
    }
    return slot.get(() -> ModelLoader.load(spec, weights(spec, options, onLoad)));
  }

  /**
   * Retires the models whose folder is gone; their weights close after the last of them. A model of
   * a folder that exists again later is loaded afresh. Every load that misses the cache does this;
   * a serving process also does it on a timer, since it may load nothing for hours.
   */
  public static void retireGone() {
    Map<ModelSpec.Weights, List<Slot<LoadedModel>>> models = new HashMap<>();
    Map<ModelSpec.Weights, List<Slot<TransformerModel>>> weights = new HashMap<>();
    for (WeightsKey key : List.copyOf(WEIGHTS.keySet())) {
      if (gone(key.weights().location())) {
        Slot<TransformerModel> removed = WEIGHTS.remove(key);
        if (removed != null) {
          weights.computeIfAbsent(key.weights(), w -> new ArrayList<>()).add(removed);
        }
      }
    }
    if (weights.isEmpty()) {
      return;
    }
    for (ModelKey key : List.copyOf(MODELS.keySet())) {
      if (weights.containsKey(key.spec().weights())) {
        Slot<LoadedModel> removed = MODELS.remove(key);
        if (removed != null) {
          models.computeIfAbsent(key.spec().weights(), w -> new ArrayList<>()).add(removed);
        }
      }
    }
    weights.forEach(
        (files, slots) -> {
          LOG.info(
              "the files of {} are gone (replaced or deleted): its models close after their last"
                  + " runner",
              files.location());
          List<LoadedModel> loaded =
              models.getOrDefault(files, List.of()).stream()
                  .map(Slot::peek)
                  .filter(java.util.Objects::nonNull)
                  .toList();
          Runnable closeWeights = () -> slots.forEach(Slot::close);
          if (loaded.isEmpty()) {
            closeWeights.run();
            return;
          }
          AtomicInteger open = new AtomicInteger(loaded.size());
          loaded.forEach(
              model ->
                  model.retire(
                      () -> {
                        if (open.decrementAndGet() == 0) {
                          closeWeights.run();
                        }
                      }));
        });
  }

  /** A local folder that no longer exists; bundled ({@code classpath:}) models never are. */
  private static boolean gone(String location) {
    try {
      Path folder = Path.of(location);
      return folder.isAbsolute() && !Files.exists(folder);
    } catch (InvalidPathException e) {
      return false;
    }
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

    synchronized T peek() {
      return value;
    }

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
