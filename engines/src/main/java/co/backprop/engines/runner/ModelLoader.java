package co.backprop.engines.runner;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import co.backprop.contract.model.ModelException;
import co.backprop.contract.model.ModelSpec;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

  /**
   * The weights of a model: the expensive part, loaded once per JVM and shared (see ModelCache).
   */
  public static TransformerModel loadWeights(ModelSpec spec, RunnerOptions options) {
    requireSupported(spec);
    return TransformerModel.load(spec, options);
  }

  /** A model of the spec's kind on loaded weights; cheap (a tokenizer, a few lookups). */
  public static LoadedModel load(ModelSpec spec, TransformerModel weights) {
    requireSupported(spec);
    String device = weights.device();
    return switch (spec.kind()) {
      case SENTENCE_EMBEDDING -> {
        Embedder embedder = new Embedder(spec, weights);
        yield new LoadedModel(
            device,
            () -> new SentenceEmbeddingRunner(embedder, new EncoderPass(spec, weights)),
            embedder::close);
      }
      case ZERO_SHOT_EMBEDDING -> {
        Embedder embedder = new Embedder(spec, weights);
        Map<String, float[]> labelVectors = new ConcurrentHashMap<>();
        yield new LoadedModel(
            device,
            () ->
                new ZeroShotEmbeddingRunner(
                    spec, embedder, new EncoderPass(spec, weights), labelVectors),
            embedder::close);
      }
      case EXTRACTIVE_SUMMARY -> {
        Embedder embedder = new Embedder(spec, weights);
        yield new LoadedModel(
            device,
            () -> new ExtractiveSummaryRunner(spec, embedder, new EncoderPass(spec, weights)),
            embedder::close);
      }
      case NLI_ZERO_SHOT -> {
        NliZeroShotRunner.Classes classes = NliZeroShotRunner.Classes.of(spec, weights.config());
        HuggingFaceTokenizer tokenizer =
            weights.tokenizer(
                b -> b.optMaxLength(spec.intOption("maxLength", 512)).optTruncation(true));
        yield new LoadedModel(
            device,
            () -> new NliZeroShotRunner(spec, tokenizer, new EncoderPass(spec, weights), classes),
            tokenizer::close);
      }
      case SEQUENCE_CLASSIFICATION -> {
        SequenceClassificationRunner.Labels labels =
            SequenceClassificationRunner.Labels.of(spec, weights.config());
        HuggingFaceTokenizer tokenizer =
            weights.tokenizer(
                b -> b.optMaxLength(spec.intOption("maxLength", 512)).optTruncation(true));
        yield new LoadedModel(
            device,
            () ->
                new SequenceClassificationRunner(
                    spec, tokenizer, new EncoderPass(spec, weights), labels),
            tokenizer::close);
      }
      case EXTRACTIVE_QA -> {
        HuggingFaceTokenizer tokenizer =
            weights.tokenizer(b -> ExtractiveQaRunner.configure(spec, b));
        yield new LoadedModel(
            device,
            () -> new ExtractiveQaRunner(spec, tokenizer, new EncoderPass(spec, weights)),
            tokenizer::close);
      }
      case CAUSAL_LM -> {
        HuggingFaceTokenizer tokenizer =
            weights.tokenizer(b -> b.optTruncation(false).optAddSpecialTokens(false));
        yield new LoadedModel(
            device, () -> new CausalLmRunner(spec, weights, tokenizer), tokenizer::close);
      }
      case SEQ2SEQ -> {
        HuggingFaceTokenizer tokenizer =
            weights.tokenizer(
                b -> b.optMaxLength(spec.intOption("maxLength", 512)).optTruncation(true));
        yield new LoadedModel(
            device, () -> new Seq2SeqRunner(spec, weights, tokenizer), tokenizer::close);
      }
      case CLIP -> {
        HuggingFaceTokenizer tokenizer =
            weights.tokenizer(b -> b.optMaxLength(77).optTruncation(true));
        yield new LoadedModel(
            device, () -> new ClipRunner(spec, weights, tokenizer), tokenizer::close);
      }
    };
  }

  /** Fails on the driver, before any work, for a model this build cannot run. */
  public static void requireSupported(ModelSpec spec) {
    if (!spec.kind().tasks().contains(spec.task())) {
      throw new ModelException(
          ModelException.Kind.BAD_CATALOG,
          "model "
              + spec.qualifiedName()
              + " is a "
              + spec.kind()
              + " model, which cannot answer "
              + spec.task());
    }
    switch (spec.kind()) {
      case CAUSAL_LM -> {
        if (!spec.engine().equals("OnnxRuntime") && !spec.engine().equals("PyTorch")) {
          throw unsupported(
              spec, "engine " + spec.engine() + " (causal-lm runs on OnnxRuntime or PyTorch)");
        }
      }
      default -> {
        if (!spec.engine().equals("OnnxRuntime")) {
          throw unsupported(
              spec, "engine " + spec.engine() + " (" + spec.kind() + " runs on OnnxRuntime)");
        }
      }
    }
  }

  private static ModelException unsupported(ModelSpec spec, String what) {
    return new ModelException(
        ModelException.Kind.LOAD_FAILED,
        "model " + spec.qualifiedName() + " needs " + what + ", which this build cannot run yet");
  }
}
