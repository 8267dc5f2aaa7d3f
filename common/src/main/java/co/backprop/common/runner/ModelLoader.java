package co.backprop.common.runner;

import co.backprop.common.model.ModelException;
import co.backprop.common.model.ModelSpec;

/** The one place that knows which runner serves which model kind. */
public final class ModelLoader {
  static {
    // Models come from the catalog, never from DJL's model zoo: keep DJL from calling out at
    // start-up, on the driver and on every executor, unless a user decided otherwise.
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
  }

  private ModelLoader() {}

  public static LoadedModel load(ModelSpec spec, RunnerOptions options) {
    requireSupported(spec);
    return switch (spec.kind()) {
      case SENTENCE_EMBEDDING -> SentenceEmbeddingModel.load(spec, options);
      default -> throw new IllegalStateException("unreachable: " + spec.kind());
    };
  }

  /** Fails on the driver, before any work, for a kind this build cannot run. */
  public static void requireSupported(ModelSpec spec) {
    switch (spec.kind()) {
      case SENTENCE_EMBEDDING -> {
        if (!spec.engine().equals("OnnxRuntime")) {
          throw unsupported(spec, "engine " + spec.engine() + " (sentence-embedding runs on OnnxRuntime)");
        }
      }
      default -> throw unsupported(spec, "kind " + spec.kind());
    }
  }

  private static ModelException unsupported(ModelSpec spec, String what) {
    return new ModelException(
        ModelException.Kind.LOAD_FAILED,
        "model " + spec.qualifiedName() + " needs " + what + ", which this build cannot run yet");
  }
}
