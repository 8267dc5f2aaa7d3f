package co.backprop.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;

import co.backprop.outputs.S3Settings;
import co.backprop.store.Store;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job whose output is on S3: the worker writes it there and GET /jobs/{id}/results reads it back
 * through the same output reader as local outputs. S3Proxy runs in a JVM of its own: its Jetty 11
 * and Javalin's Jetty 12 cannot share one.
 */
class S3OutputTest {
  @TempDir Path data;

  /** S3Proxy in a child JVM, on the classpath the outputs module's build wrote for it. */
  private static Process startS3(String bucket) throws IOException {
    Path outputs = TestFrontDoors.REPO.resolve("outputs/target");
    String classpath =
        Files.readString(outputs.resolve("s3server-classpath.txt")).trim()
            + ":"
            + outputs.resolve("test-classes");
    return new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            classpath,
            "co.backprop.outputs.S3Server",
            bucket)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  private static int port(Process s3) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(s3.getInputStream(), StandardCharsets.UTF_8));
    for (String line; (line = out.readLine()) != null; ) {
      if (line.startsWith("port ")) {
        return Integer.parseInt(line.substring(5).trim());
      }
    }
    throw new IllegalStateException("the S3 server exited before telling its port");
  }

  @Test
  void theResultsOfAJobWrittenToS3AreServedFromThere() throws Exception {
    Process s3 = startS3("lake");
    try {
      Map<String, String> hadoop = S3Settings.of(port(s3));
      String key;
      try (Store store = Store.forDataFolder(data, null)) {
        key = store.accounts().create("acme");
        store
            .accounts()
            .grant("acme", new co.backprop.contract.account.Grant("s3a://lake/enriched/", false));
      }
      try (FrontDoor frontDoor =
          FrontDoor.start(TestFrontDoors.config(data, null, true, 1 << 20, 1 << 20, hadoop))) {
        ApiClient api = new ApiClient(frontDoor.port());
        String requests =
            "{\"output\": \"s3a://lake/enriched/job-1\", \"requests\": [{\"id\": \"a\", \"task\":"
                + " \"text-vectorisation\", \"body\": {\"text\": \"stored in a bucket\"}},{\"id\":"
                + " \"b\", \"task\": \"emotion\", \"body\": {\"text\": \"so glad it worked\"}}]}";
        ApiClient.Answer submitted = api.post("/jobs", key, requests);
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
        JsonNode job =
            api.awaitJob(submitted.json().get("job_id").asText(), key, Duration.ofMinutes(3));
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("succeeded");
        assertThat(
                frontDoor.store().queue().job(job.get("job_id").asText()).orElseThrow().results())
            .startsWith("s3a://lake/enriched/job-1/attempt-1");

        ApiClient.Answer results = api.get("/jobs/" + job.get("job_id").asText() + "/results", key);
        assertThat(results.status()).as(results.body()).isEqualTo(200);
        List<JsonNode> lines =
            results
                .body()
                .lines()
                .filter(l -> !l.isBlank())
                .map(l -> new ApiClient.Answer(200, l, null).json())
                .toList();
        assertThat(lines).extracting(line -> line.get("id").asText()).containsExactly("a", "b");
        assertThat(lines.get(0).get("vector")).hasSize(384);
        assertThat(lines.get(1).get("status").asText()).isEqualTo("ok");
      }
    } finally {
      s3.getOutputStream().close(); // the server stops when its stdin closes
      if (!s3.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        s3.destroyForcibly();
      }
    }
  }
}
