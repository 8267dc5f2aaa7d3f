package co.backprop.frontdoor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Front doors on ephemeral ports over real SQLite files, with real worker processes (bin/backprop
 * worker, the jobs module's packaged jar), and the fixture models installed under the catalog's
 * names so every task can answer.
 */
final class TestFrontDoors {
  static final Path REPO =
      Path.of(System.getProperty("backprop.repo", "..")).toAbsolutePath().normalize();

  /** The tiny fixture models (engines/src/test/fixtures/make_fixtures.py makes them). */
  static final Path FIXTURES = REPO.resolve("engines/src/test/resources/fixtures");

  private TestFrontDoors() {}

  /**
   * The command that starts a worker on this data folder (short lease, quick polling).
   *
   * @param storeUrl the job store's JDBC URL, or null for the data folder's SQLite file
   */
  static List<String> workerCommand(Path data, String storeUrl, String lease) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "/usr/bin/env",
                "BACKPROP_NO_BUILD=1",
                REPO.resolve("bin/backprop").toString(),
                "worker",
                "--data",
                data.toString(),
                "--lease",
                lease,
                "--poll",
                "50ms",
                "--master",
                "local[2]"));
    if (storeUrl != null) {
      command.addAll(List.of("--store", storeUrl));
    }
    return command;
  }

  /** The command that starts a serving process on this data folder, stopped when this JVM ends. */
  static List<String> servingCommand(Path data, String storeUrl) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "/usr/bin/env",
                "BACKPROP_NO_BUILD=1",
                REPO.resolve("bin/backprop").toString(),
                "serving",
                "--data",
                data.toString(),
                "--parent-pid",
                String.valueOf(ProcessHandle.current().pid())));
    if (storeUrl != null) {
      command.addAll(List.of("--store", storeUrl));
    }
    return command;
  }

  /** A front door on port 0 with a local worker (or none), its limits given. */
  static FrontDoorConfig config(
      Path data, String storeUrl, boolean withWorker, long maxBodyBytes, long maxUploadBytes) {
    return builder(data, storeUrl, withWorker, Map.of())
        .optMaxBodyBytes(maxBodyBytes)
        .optMaxUploadBytes(maxUploadBytes)
        .build();
  }

  /**
   * A front door whose worker and reader use these Hadoop settings (an S3 endpoint and its keys).
   */
  static FrontDoorConfig config(
      Path data,
      String storeUrl,
      boolean withWorker,
      long maxBodyBytes,
      long maxUploadBytes,
      Map<String, String> hadoop) {
    return builder(data, storeUrl, withWorker, hadoop)
        .optMaxBodyBytes(maxBodyBytes)
        .optMaxUploadBytes(maxUploadBytes)
        .build();
  }

  /** The tests' defaults: port 0, a 90 s sync wait, the worker's lease 10 s. */
  static FrontDoorConfig.Builder builder(
      Path data, String storeUrl, boolean withWorker, Map<String, String> hadoop) {
    List<String> worker = new ArrayList<>();
    if (withWorker) {
      worker.addAll(workerCommand(data.toAbsolutePath(), storeUrl, "10s"));
      hadoop.forEach(
          (key, value) -> worker.addAll(List.of("--conf", "spark.hadoop." + key + "=" + value)));
    }
    return FrontDoorConfig.builder(data)
        .optStoreUrl(storeUrl)
        .optPort(0)
        .optSyncWait(Duration.ofSeconds(90))
        .optWorkerCommand(worker)
        .optHadoopSettings(hadoop);
  }

  /**
   * Installs the fixture models as the artifacts the catalog names for QA, generation and images.
   */
  static void installFixtureModels(Path data) throws IOException {
    install(data, "qa-tiny", "distilbert-base-cased-distilled-squad", "model.onnx");
    install(data, "lm-tiny-cached", "gpt2-large", "model.onnx");
    install(data, "clip-tiny", "clip-vit-base-patch32", "model.onnx");
    install(
        data,
        "seq2seq-tiny",
        "t5-base-qa-summary-emotion",
        "encoder_model.onnx",
        "decoder_model.onnx");
  }

  private static void install(Path data, String fixture, String artifact, String... modelFiles)
      throws IOException {
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
