package co.backprop.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;

import co.backprop.contract.usage.MonthlyLimit;
import co.backprop.store.Store;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The front door's worker on a cluster whose executors cannot start (local-cluster, executor JVMs
 * refused by the JVM): each job fails after the worker's executor timeout with a message the client
 * can read, instead of running forever, and the worker goes on to the next job.
 */
class ClusterWorkerTest {
  @TempDir Path data;

  @Test
  void aJobWhoseExecutorsCannotStartFailsAndTheWorkerTakesTheNext() {
    String key;
    try (Store store = Store.forDataFolder(data, null)) {
      key = store.accounts().create("acme", MonthlyLimit.UNLIMITED);
    }
    List<String> worker =
        new ArrayList<>(TestFrontDoors.workerCommand(data.toAbsolutePath(), null, "10s"));
    worker.set(worker.indexOf("local[2]"), "local-cluster[1,1,1024]");
    worker.addAll(
        List.of("--conf", "spark.executor.extraJavaOptions=-Xss1k", "--executor-timeout", "10"));
    try (FrontDoor frontDoor =
        FrontDoor.start(
            TestFrontDoors.builder(data, null, false, Map.of()).optWorkerCommand(worker).build())) {
      ApiClient api = new ApiClient(frontDoor.port());
      for (int i = 0; i < 2; i++) {
        ApiClient.Answer submitted =
            api.post(
                "/jobs",
                key,
                "{\"requests\": [{\"id\": \"r1\", \"task\": \"text-vectorisation\", \"body\":"
                    + " {\"text\": \"a row no executor will run\"}}]}");
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
        String id = submitted.json().get("job_id").asText();
        long start = System.nanoTime();
        JsonNode job = api.awaitJob(id, key, Duration.ofMinutes(3));
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("failed");
        assertThat(job.toString())
            .contains("no Spark executor could run it")
            .doesNotContain(data.toString()); // the server's paths stay in its log
        assertThat((System.nanoTime() - start) / 1e9).as("seconds to fail").isLessThan(120);
      }
    }
  }
}
