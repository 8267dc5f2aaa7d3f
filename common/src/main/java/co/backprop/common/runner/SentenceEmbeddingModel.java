package co.backprop.common.runner;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import co.backprop.common.model.ModelException;
import co.backprop.common.model.ModelFiles;
import co.backprop.common.model.ModelSpec;
import java.nio.file.Path;
import java.util.Map;

/**
 * A sentence-embedding model (e.g. all-MiniLM-L6-v2) on ONNX Runtime through DJL, with its
 * HuggingFace tokenizer. Loaded once per JVM; the tokenizer and the ONNX session are safe to share
 * between threads, each thread gets its own predictor.
 */
public final class SentenceEmbeddingModel implements LoadedModel {
  /** sentence-transformers' max_seq_length for all-MiniLM-L6-v2 (the tokenizer.json says 128). */
  static final int DEFAULT_MAX_LENGTH = 256;

  private final ModelSpec spec;
  private final RunnerOptions options;
  private final HuggingFaceTokenizer tokenizer;
  private final ZooModel<TokenBatch, float[][]> model;

  private SentenceEmbeddingModel(
      ModelSpec spec, RunnerOptions options, HuggingFaceTokenizer tokenizer, ZooModel<TokenBatch, float[][]> model) {
    this.spec = spec;
    this.options = options;
    this.tokenizer = tokenizer;
    this.model = model;
  }

  public static SentenceEmbeddingModel load(ModelSpec spec, RunnerOptions options) {
    Map<String, Path> files = ModelFiles.localFiles(spec);
    HuggingFaceTokenizer tokenizer = null;
    try {
      tokenizer =
          HuggingFaceTokenizer.builder()
              .optTokenizerPath(files.get("tokenizer"))
              .optMaxLength(spec.intOption("maxLength", DEFAULT_MAX_LENGTH))
              .optTruncation(true)
              .optPadding(false)
              .build();
      Criteria<TokenBatch, float[][]> criteria =
          Criteria.builder()
              .setTypes(TokenBatch.class, float[][].class)
              .optEngine("OnnxRuntime")
              .optModelPath(files.get("model").getParent())
              .optModelName(modelName(files.get("model")))
              .optDevice(options.djlDevice())
              .optOption("intraOpNumThreads", Integer.toString(options.intraOpThreads()))
              .optOption("interOpNumThreads", "1")
              .optTranslator(
                  new EmbeddingTranslator(
                      Boolean.parseBoolean(spec.option("normalize", "true")),
                      spec.option("output", "last_hidden_state")))
              .build();
      return new SentenceEmbeddingModel(spec, options, tokenizer, criteria.loadModel());
    } catch (Exception e) {
      if (tokenizer != null) {
        tokenizer.close();
      }
      throw new ModelException(
          ModelException.Kind.LOAD_FAILED,
          "model " + spec.qualifiedName() + " could not be loaded from " + files.values() + ": " + e.getMessage(),
          e);
    }
  }

  /** DJL finds {@code NAME.onnx} in the model folder. */
  private static String modelName(Path modelFile) {
    String file = modelFile.getFileName().toString();
    return file.endsWith(".onnx") ? file.substring(0, file.length() - ".onnx".length()) : file;
  }

  public EncodedText encode(String text) {
    Encoding encoding = tokenizer.encode(text);
    return new EncodedText(encoding.getIds(), encoding.getTypeIds(), encoding.exceedMaxLength());
  }

  @Override
  public SentenceEmbeddingRunner newRunner() {
    return new SentenceEmbeddingRunner(this, model.newPredictor());
  }

  @Override
  public String device() {
    return options.device();
  }

  public ModelSpec spec() {
    return spec;
  }

  @Override
  public void close() {
    model.close();
    tokenizer.close();
  }
}
