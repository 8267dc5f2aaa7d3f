package co.backprop.engines.runner;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.util.PairList;
import co.backprop.contract.model.ModelException;
import co.backprop.contract.model.ModelFiles;
import co.backprop.contract.model.ModelSpec;
import co.backprop.contract.task.Json;
import co.backprop.engines.tensor.NamedTensorTranslator;
import co.backprop.engines.tensor.NativeTensors;
import co.backprop.engines.tensor.TensorInputs;
import co.backprop.engines.tensor.TensorOutputs;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A model's weights on ONNX Runtime through DJL — one graph ({@code model}) or several ({@code
 * encoder}, {@code decoder}: every file of the catalog ending in .onnx) — loaded once per JVM and
 * shared by every kind and task that runs on the same files (MiniLM serves vectorisation, zero-shot
 * classification, emotion and summaries with one copy in memory).
 */
public final class TransformerModel implements AutoCloseable {
  private final Map<String, ZooModel<TensorInputs, TensorOutputs>> graphs;
  private final Map<String, Path> files;
  private final JsonNode config;
  private final RunnerOptions options;

  private TransformerModel(
      Map<String, ZooModel<TensorInputs, TensorOutputs>> graphs,
      Map<String, Path> files,
      JsonNode config,
      RunnerOptions options) {
    this.graphs = graphs;
    this.files = files;
    this.config = config;
    this.options = options;
  }

  public static TransformerModel load(ModelSpec spec, RunnerOptions options) {
    GpuEngines.requireUsable(spec.qualifiedName(), spec.engine(), options);
    Map<String, Path> files = ModelFiles.localFiles(spec);
    Map<String, ZooModel<TensorInputs, TensorOutputs>> graphs = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, Path> file : files.entrySet()) {
        String name = file.getValue().getFileName().toString();
        if (name.endsWith(".onnx") || name.endsWith(".pt")) {
          graphs.put(file.getKey(), loadGraph(spec.engine(), file.getValue(), options));
        }
      }
      return new TransformerModel(graphs, files, readConfig(spec, files.get("config")), options);
    } catch (Exception e) {
      graphs.values().forEach(ZooModel::close);
      throw new ModelException(
          ModelException.Kind.LOAD_FAILED,
          "model "
              + spec.qualifiedName()
              + " could not be loaded from "
              + files.values()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** A graph on its engine: ONNX Runtime for .onnx files, PyTorch for TorchScript (.pt). */
  private static ZooModel<TensorInputs, TensorOutputs> loadGraph(
      String engine, Path file, RunnerOptions options) throws Exception {
    Criteria.Builder<TensorInputs, TensorOutputs> criteria =
        Criteria.builder()
            .setTypes(TensorInputs.class, TensorOutputs.class)
            .optEngine(engine)
            .optModelPath(file.getParent())
            .optModelName(modelName(file))
            .optDevice(options.djlDevice())
            .optTranslator(new NamedTensorTranslator());
    if (engine.equals("OnnxRuntime")) {
      criteria
          .optOption("intraOpNumThreads", Integer.toString(options.intraOpThreads()))
          .optOption("interOpNumThreads", "1");
    } else if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
      // PyTorch reads its thread counts once, when the engine starts.
      System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(options.intraOpThreads()));
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
    return criteria.build().loadModel();
  }

  /** DJL finds {@code NAME.onnx} or {@code NAME.pt} in the model folder. */
  private static String modelName(Path modelFile) {
    String file = modelFile.getFileName().toString();
    return file.substring(0, file.lastIndexOf('.'));
  }

  private static JsonNode readConfig(ModelSpec spec, Path file) {
    if (file == null) {
      return Json.MAPPER.createObjectNode();
    }
    try {
      return Json.MAPPER.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new ModelException(
          ModelException.Kind.LOAD_FAILED,
          "model " + spec.qualifiedName() + ": " + file + " is not valid JSON",
          e);
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
      throw new ModelException(
          ModelException.Kind.LOAD_FAILED, "cannot read " + files.get("tokenizer"), e);
    }
  }

  /** The model's config.json (labels and problem type of classifiers), or an empty object. */
  public JsonNode config() {
    return config;
  }

  /** A predictor of the graph of this role ({@code model}, {@code encoder}, {@code decoder}). */
  public Predictor<TensorInputs, TensorOutputs> newPredictor(String role) {
    return graph(role).newPredictor();
  }

  /** A scope for tensors that stay in the engine across passes of this graph (a KV cache). */
  public NativeTensors newNativeTensors(String role) {
    return new NativeTensors(graph(role).getNDManager());
  }

  /** The graph's inputs by name (their shapes when the engine gives them, else null). */
  public Map<String, Shape> inputs(String role) {
    Map<String, Shape> inputs = new LinkedHashMap<>();
    PairList<String, Shape> described = graph(role).getBlock().describeInput();
    for (int i = 0; i < described.size(); i++) {
      inputs.put(described.keyAt(i), described.valueAt(i));
    }
    return inputs;
  }

  private ZooModel<TensorInputs, TensorOutputs> graph(String role) {
    ZooModel<TensorInputs, TensorOutputs> graph = graphs.get(role);
    if (graph == null) {
      throw new ModelException(
          ModelException.Kind.LOAD_FAILED,
          "the model has no '" + role + "' graph; it has " + graphs.keySet());
    }
    return graph;
  }

  public String device() {
    return options.device();
  }

  @Override
  public void close() {
    graphs.values().forEach(ZooModel::close);
  }
}
