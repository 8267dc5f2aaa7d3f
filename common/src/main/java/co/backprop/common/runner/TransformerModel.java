package co.backprop.common.runner;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import co.backprop.common.model.ModelException;
import co.backprop.common.model.ModelFiles;
import co.backprop.common.model.ModelSpec;
import co.backprop.common.task.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A transformer encoder's weights on ONNX Runtime through DJL, loaded once per JVM and shared by
 * every kind and task that runs on the same files (MiniLM serves vectorisation, zero-shot
 * classification, emotion and summaries with one copy in memory).
 */
public final class TransformerModel implements AutoCloseable {
  private final ZooModel<TokenBatch, TensorOutputs> model;
  private final Map<String, Path> files;
  private final JsonNode config;
  private final RunnerOptions options;

  private TransformerModel(
      ZooModel<TokenBatch, TensorOutputs> model, Map<String, Path> files, JsonNode config, RunnerOptions options) {
    this.model = model;
    this.files = files;
    this.config = config;
    this.options = options;
  }

  public static TransformerModel load(ModelSpec spec, RunnerOptions options) {
    Map<String, Path> files = ModelFiles.localFiles(spec);
    Path modelFile = files.get("model");
    try {
      Criteria<TokenBatch, TensorOutputs> criteria =
          Criteria.builder()
              .setTypes(TokenBatch.class, TensorOutputs.class)
              .optEngine("OnnxRuntime")
              .optModelPath(modelFile.getParent())
              .optModelName(modelName(modelFile))
              .optDevice(options.djlDevice())
              .optOption("intraOpNumThreads", Integer.toString(options.intraOpThreads()))
              .optOption("interOpNumThreads", "1")
              .optTranslator(new EncoderTranslator())
              .build();
      return new TransformerModel(criteria.loadModel(), files, readConfig(spec, files.get("config")), options);
    } catch (Exception e) {
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

  private static JsonNode readConfig(ModelSpec spec, Path file) {
    if (file == null) {
      return Json.MAPPER.createObjectNode();
    }
    try {
      return Json.MAPPER.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new ModelException(
          ModelException.Kind.LOAD_FAILED, "model " + spec.qualifiedName() + ": " + file + " is not valid JSON", e);
    }
  }

  /** A tokenizer of this model's tokenizer.json, set up as the kind needs (lengths, pairs...). */
  public HuggingFaceTokenizer tokenizer(Consumer<HuggingFaceTokenizer.Builder> settings) {
    HuggingFaceTokenizer.Builder builder =
        HuggingFaceTokenizer.builder().optTokenizerPath(files.get("tokenizer")).optPadding(false);
    settings.accept(builder);
    try {
      return builder.build();
    } catch (IOException e) {
      throw new ModelException(ModelException.Kind.LOAD_FAILED, "cannot read " + files.get("tokenizer"), e);
    }
  }

  /** The model's config.json (labels and problem type of classifiers), or an empty object. */
  public JsonNode config() {
    return config;
  }

  public Predictor<TokenBatch, TensorOutputs> newPredictor() {
    return model.newPredictor();
  }

  public String device() {
    return options.device();
  }

  @Override
  public void close() {
    model.close();
  }
}
