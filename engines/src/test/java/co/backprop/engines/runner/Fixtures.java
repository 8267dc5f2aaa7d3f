package co.backprop.engines.runner;

import co.backprop.contract.model.ModelKind;
import co.backprop.contract.model.ModelSpec;
import co.backprop.contract.task.Task;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tiny models of src/test/resources/fixtures (made by src/test/fixtures/make_fixtures.py): same
 * input and output names as the public exports, logits computable by hand from its tables.
 */
final class Fixtures {
  private Fixtures() {}

  static Path folder(String name) {
    try {
      return Path.of(Fixtures.class.getResource("/fixtures/" + name + "/tokenizer.json").toURI())
          .getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static ModelSpec spec(Task task, String fixture, ModelKind kind, Map<String, String> options) {
    Map<String, String> files = new LinkedHashMap<>();
    boolean torchScript = java.nio.file.Files.exists(folder(fixture).resolve("model.pt"));
    if (java.nio.file.Files.exists(folder(fixture).resolve("encoder_model.onnx"))) {
      files.put("encoder", "encoder_model.onnx");
      files.put("decoder", "decoder_model.onnx");
    } else {
      files.put("model", torchScript ? "model.pt" : "model.onnx");
    }
    files.put("tokenizer", "tokenizer.json");
    files.put("config", "config.json");
    String engine = torchScript ? "PyTorch" : "OnnxRuntime";
    return new ModelSpec(
        task,
        fixture,
        kind,
        engine,
        "fixture",
        fixture,
        folder(fixture).toString(),
        files,
        options,
        "");
  }

  /** A runner of the fixture, from the JVM's model cache as a Spark task would get it. */
  @SuppressWarnings("unchecked")
  static <R extends ModelRunner<?>> R runner(ModelSpec spec) {
    return (R) ModelCache.get(spec, RunnerOptions.cpu(1), () -> {}).newRunner();
  }
}
