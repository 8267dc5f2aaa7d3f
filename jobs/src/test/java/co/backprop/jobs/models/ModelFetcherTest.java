package co.backprop.jobs.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.backprop.contract.model.ModelCatalog.Artifact;
import co.backprop.contract.model.ModelCatalog.Download;
import co.backprop.contract.model.ModelStore;
import co.backprop.contract.task.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fetching against a real HTTP server on loopback (no internet here, and tests never download). */
class ModelFetcherTest {
  @TempDir Path root;
  private ModelStore store;
  private FixtureServer server;
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final byte[] model = new byte[3_000_000];
  private final byte[] tokenizer = "{\"version\": \"1.0\"}".getBytes();

  @BeforeEach
  void start() throws IOException {
    new Random(1).nextBytes(model);
    store = new ModelStore(root.resolve("store"));
    server =
        new FixtureServer().serve("/m/model.onnx", model).serve("/m/tokenizer.json", tokenizer);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Artifact artifact(String modelSha256, Long modelSize) {
    Map<String, Download> download = new LinkedHashMap<>();
    download.put("model.onnx", new Download(server.url("/m/model.onnx"), modelSha256, modelSize));
    download.put("tokenizer.json", new Download(server.url("/m/tokenizer.json"), null, null));
    return new Artifact(
        "test",
        "OnnxRuntime",
        "store",
        Map.of("model", "model.onnx", "tokenizer", "tokenizer.json"),
        download,
        null,
        null);
  }

  private Path fetch(Artifact artifact) throws IOException {
    // A connection that stops sending is cut after half a second here (a minute by default).
    return new ModelFetcher(
            ModelFetcher.defaultClient(),
            new PrintStream(printed),
            false,
            java.time.Duration.ofMillis(500))
        .fetch(store, "tiny", artifact, false);
  }

  private static String sha256(byte[] bytes) throws Exception {
    return java.util.HexFormat.of()
        .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void installsEveryFileCheckedWithAManifestAndProgress() throws Exception {
    Path folder = fetch(artifact(sha256(model), (long) model.length));

    assertThat(folder).isEqualTo(store.folder("tiny"));
    assertThat(Files.readAllBytes(folder.resolve("model.onnx"))).isEqualTo(model);
    assertThat(Files.readAllBytes(folder.resolve("tokenizer.json"))).isEqualTo(tokenizer);
    JsonNode manifest = Json.MAPPER.readTree(folder.resolve("manifest.json").toFile());
    assertThat(manifest.at("/files/model.onnx/sha256").asText()).isEqualTo(sha256(model));
    assertThat(manifest.at("/files/model.onnx/size").asLong()).isEqualTo(model.length);
    assertThat(printed.toString())
        .contains("model.onnx [")
        .contains("3.0 MB / 3.0 MB (100%)")
        .contains("installed tiny in " + folder);
    assertThat(store.staging("tiny")).doesNotExist();
  }

  @Test
  void aConnectionThatStallsIsCutAndResumedWhereItStopped() throws Exception {
    server.breakOnceAfter("/m/model.onnx", 1_000_000);
    Path folder = fetch(artifact(sha256(model), null));

    assertThat(Files.readAllBytes(folder.resolve("model.onnx"))).isEqualTo(model);
    assertThat(server.requests)
        .filteredOn(r -> r.path().equals("/m/model.onnx"))
        .extracting(FixtureServer.Request::range)
        .containsExactly(null, "bytes=1000000-");
    assertThat(printed.toString())
        .contains("resuming (attempt 2 of 4)")
        .contains("model.onnx: resuming at 1.0 MB");
  }

  @Test
  void aRunThatDiedHalfwayIsResumedByTheNextOne() throws Exception {
    Path partial = Files.createDirectories(store.staging("tiny")).resolve("model.onnx.partial");
    Files.write(partial, java.util.Arrays.copyOf(model, 1_234_567));
    fetch(artifact(sha256(model), (long) model.length));
    assertThat(server.requests.get(0))
        .isEqualTo(new FixtureServer.Request("/m/model.onnx", "bytes=1234567-"));
    assertThat(Files.readAllBytes(store.folder("tiny").resolve("model.onnx"))).isEqualTo(model);
  }

  @Test
  void aWrongDigestInstallsNothingAndSaysWhy() throws Exception {
    String pinned = "0".repeat(64);
    assertThatThrownBy(() -> fetch(artifact(pinned, null)))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "the SHA-256 of model.onnx is "
                + sha256(model)
                + " but the catalog pins "
                + pinned
                + "; deleted it");
    assertThat(store.folder("tiny")).doesNotExist();
    assertThat(store.staging("tiny").resolve("model.onnx.partial")).doesNotExist();
  }

  @Test
  void aWrongSizeInstallsNothing() {
    assertThatThrownBy(() -> fetch(artifact(null, 42L)))
        .hasMessage("model.onnx is 3000000 bytes but the catalog says 42; deleted it");
    assertThat(store.folder("tiny")).doesNotExist();
  }

  @Test
  void aFileTheServerFailsLeavesNoInstalledModelAndKeepsWhatWasDownloaded() throws Exception {
    server.failWith("/m/tokenizer.json", 500);
    assertThatThrownBy(() -> fetch(artifact(sha256(model), null)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(
            "could not download " + server.url("/m/tokenizer.json") + " after 4 attempts")
        .hasRootCauseMessage("GET " + server.url("/m/tokenizer.json") + " answered HTTP 500");
    assertThat(store.folder("tiny")).doesNotExist();
    assertThat(store.staging("tiny").resolve("model.onnx"))
        .exists(); // the next run does not fetch it again
  }
}
