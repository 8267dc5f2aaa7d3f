package co.backprop.engines.runner;

import co.backprop.contract.model.ModelKind;
import co.backprop.contract.model.ModelSpec;
import co.backprop.contract.task.Task;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The tiny models of src/test/resources/fixtures (made by src/test/fixtures/make_fixtures.py): same
 * input and output names as the public exports, logits computable by hand from its tables.
 */
public final class Fixtures {
  private Fixtures() {}

  public static Path folder(String name) {
    try {
      return Path.of(Fixtures.class.getResource("/fixtures/" + name + "/tokenizer.json").toURI())
          .getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  public static ModelSpec spec(
      Task task, String fixture, ModelKind kind, Map<String, String> options) {
    Map<String, String> files = new LinkedHashMap<>();
    boolean torchScript = Files.exists(folder(fixture).resolve("model.pt"));
    if (Files.exists(folder(fixture).resolve("encoder_model.onnx"))) {
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

  /**
   * The emotion fixture copied into {@code dir/folder}, as an account's upload "moods" is
   * installed: deleting that folder is what replacing or deleting the upload does.
   */
  public static ModelSpec emotionUpload(Path dir, String folder) throws IOException {
    Path copy = Files.createDirectories(dir.resolve(folder));
    Map<String, String> files =
        Map.of("model", "model.onnx", "tokenizer", "tokenizer.json", "config", "config.json");
    for (String file : files.values()) {
      // From the classpath: other modules' tests read the fixtures out of this module's test jar.
      try (InputStream in =
          Fixtures.class.getResourceAsStream("/fixtures/sequence-classification-tiny/" + file)) {
        Files.copy(in, copy.resolve(file));
      }
    }
    return new ModelSpec(
        Task.EMOTION,
        "moods",
        ModelKind.SEQUENCE_CLASSIFICATION,
        "OnnxRuntime",
        "moods",
        "acme/moods",
        copy.toString(),
        files,
        Map.of(),
        "");
  }

  /** Deletes a folder and everything in it. */
  public static void delete(Path folder) throws IOException {
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  /** A runner of the fixture, from the JVM's model cache as a Spark task would get it. */
  @SuppressWarnings("unchecked")
  static <R extends ModelRunner<?>> R runner(ModelSpec spec) {
    return (R) ModelCache.get(spec, RunnerOptions.cpu(1), () -> {}).newRunner();
  }
}
