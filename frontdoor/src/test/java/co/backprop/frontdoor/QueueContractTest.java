package co.backprop.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;

import co.backprop.contract.usage.UsageRow;
import co.backprop.store.Store;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Queue semantics with real processes on each store: a worker killed mid-job loses its lease to
 * another, which finishes the job — once, billed once.
 */
abstract class QueueContractTest {
  @TempDir Path data;
  String storeUrl;

  /** The JDBC URL of a new, empty store, or null for the data folder's SQLite file. */
  protected abstract String newStoreUrl(Path data);

  @BeforeEach
  void newStore() {
    storeUrl = newStoreUrl(data);
  }

  String createAccount(String name) {
    try (Store store = Store.forDataFolder(data, storeUrl)) {
      return store.accounts().create(name);
    }
  }

  static String requests(int count) {
    return "{\"requests\": ["
        + IntStream.range(0, count)
            .mapToObj(
                i ->
                    "{\"id\": \"r"
                        + i
                        + "\", \"task\": \"text-vectorisation\", \"body\": {\"text\": \"sentence"
                        + " number "
                        + i
                        + " about a product that broke after a week of normal use\"}}")
            .collect(Collectors.joining(", "))
        + "]}";
  }

  @Test
  void aWorkerKilledMidJobLosesItsLeaseAndAnotherFinishesTheJobOnce() throws Exception {
    String key = createAccount("acme");
    int rows = 1200;
    try (FrontDoor frontDoor =
        FrontDoor.start(TestFrontDoors.config(data, storeUrl, false, 4 << 20, 1 << 20))) {
      ApiClient api = new ApiClient(frontDoor.port());
      String id = api.post("/jobs", key, requests(rows)).json().get("job_id").asText();
      Process first = startWorker();
      Process second = null;
      try {
        JsonNode running = api.awaitProgress(id, key, Duration.ofMinutes(2));
        assertThat(running.get("attempts").asInt()).isEqualTo(1);
        first
            .destroyForcibly()
            .waitFor(); // SIGKILL: no clean-up, the lease just stops being renewed
        second = startWorker();
        JsonNode done = api.awaitJob(id, key, Duration.ofMinutes(4));
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("succeeded");
        assertThat(done.get("attempts").asInt()).isEqualTo(2);
        assertThat(done.at("/counts/ok").asLong()).isEqualTo(rows);
        List<String> results =
            api.get("/jobs/" + id + "/results", key)
                .body()
                .lines()
                .filter(l -> !l.isBlank())
                .toList();
        assertThat(results).hasSize(rows);
        assertThat(
                results.stream()
                    .map(l -> l.replaceAll(".*\"id\":\"(r\\d+)\".*", "$1"))
                    .distinct()
                    .count())
            .isEqualTo(rows);
        List<UsageRow> usage =
            frontDoor.store().ledger().usage("acme", YearMonth.now(ZoneOffset.UTC).toString());
        assertThat(usage)
            .singleElement()
            .satisfies(row -> assertThat(row.requests()).isEqualTo(rows));
      } finally {
        first.destroyForcibly();
        if (second != null) {
          second.destroy();
          second.waitFor();
        }
      }
    }
  }

  private Process startWorker() throws IOException {
    return new ProcessBuilder(TestFrontDoors.workerCommand(data.toAbsolutePath(), storeUrl, "3s"))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(data.resolve("worker.log").toFile()))
        .start();
  }
}
