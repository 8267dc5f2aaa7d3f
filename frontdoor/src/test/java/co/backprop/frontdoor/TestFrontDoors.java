package co.backprop.frontdoor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Front doors on ephemeral ports over real SQLite files, with real worker processes (bin/backprop
 * worker, the jobs module's packaged jar), and the fixture models installed under the catalog's
 * names so every task can answer.
 */
final class TestFrontDoors {
  static final Path REPO = Path.of(System.getProperty("backprop.repo", "..")).toAbsolutePath().normalize();

  /** The tiny fixture models (engines/src/test/fixtures/make_fixtures.py makes them). */
  static final Path FIXTURES = REPO.resolve("engines/src/test/resources/fixtures");

  private TestFrontDoors() {}

  /** The command that starts a worker on this data folder (short lease, quick polling). */
  static List<String> workerCommand(Path data, String lease) {
    return List.of("/usr/bin/env", "BACKPROP_NO_BUILD=1", REPO.resolve("bin/backprop").toString(), "worker", "--data", data.toString(),
        "--lease", lease, "--poll", "50ms", "--master", "local[2]");
  }

  static FrontDoorConfig config(Path data, boolean withWorker, long maxBodyBytes, long maxUploadBytes) {
    return new FrontDoorConfig(data, null, 0, Duration.ofSeconds(90), maxBodyBytes, maxUploadBytes, List.of(data.resolve("files")),
        withWorker ? workerCommand(data.toAbsolutePath(), "10s") : List.of());
  }

  /** Installs the fixture models as the artifacts the catalog names for QA, generation and images. */
  static void installFixtureModels(Path data) throws IOException {
    install(data, "qa-tiny", "distilbert-base-cased-distilled-squad", "model.onnx");
    install(data, "lm-tiny-cached", "gpt2-large", "model.onnx");
    install(data, "clip-tiny", "clip-vit-base-patch32", "model.onnx");
    install(data, "seq2seq-tiny", "t5-base-qa-summary-emotion", "encoder_model.onnx", "decoder_model.onnx");
  }

  private static void install(Path data, String fixture, String artifact, String... modelFiles) throws IOException {
    Path folder = Files.createDirectories(data.resolve("models").resolve(artifact));
    List<String> files = new ArrayList<>(List.of(modelFiles));
    files.add("tokenizer.json");
    files.add("config.json");
    for (String file : files) {
      Files.copy(FIXTURES.resolve(fixture).resolve(file), folder.resolve(file));
    }
  }

  static byte[] fixture(String fixture, String file) throws IOException {
    return Files.readAllBytes(FIXTURES.resolve(fixture).resolve(file));
  }
}
