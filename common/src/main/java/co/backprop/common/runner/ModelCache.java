package co.backprop.common.runner;

import co.backprop.common.model.ModelSpec;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The models loaded in this JVM, keyed by (spec, options): on a Spark executor every task asks here,
 * the first one loads, concurrent ones wait for it, and later ones reuse it. Models stay loaded for
 * the life of the JVM (an executor runs one application's tasks) and are closed at shutdown.
 */
public final class ModelCache {
  private record Key(ModelSpec spec, RunnerOptions options) {}

  private static final Map<Key, Slot> SLOTS = new ConcurrentHashMap<>();
  private static final AtomicInteger LOADS = new AtomicInteger();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(ModelCache::closeAll, "backprop-model-cache-close"));
  }

  private ModelCache() {}

  /**
   * The loaded model; {@code onLoad} runs only in the call that actually loads it (this is how a
   * job counts loads across executor JVMs).
   */
  public static LoadedModel get(ModelSpec spec, RunnerOptions options, Runnable onLoad) {
    return SLOTS.computeIfAbsent(new Key(spec, options), key -> new Slot()).get(spec, options, onLoad);
  }

  /** How many times this JVM has loaded a model. */
  public static int loads() {
    return LOADS.get();
  }

  /** Closes and forgets every model (tests; shutdown). */
  public static synchronized void closeAll() {
    SLOTS.values().forEach(Slot::close);
    SLOTS.clear();
  }

  /** One model's place in the cache; a failed load leaves it empty so a retry tries again. */
  private static final class Slot {
    private LoadedModel model;

    synchronized LoadedModel get(ModelSpec spec, RunnerOptions options, Runnable onLoad) {
      if (model == null) {
        model = ModelLoader.load(spec, options);
        LOADS.incrementAndGet();
        onLoad.run();
      }
      return model;
    }

    synchronized void close() {
      if (model != null) {
        model.close();
        model = null;
      }
    }
  }
}
