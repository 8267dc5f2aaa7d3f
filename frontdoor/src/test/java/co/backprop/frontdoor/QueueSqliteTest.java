package co.backprop.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Queue semantics on the embedded default store, an SQLite file in the data folder; and jobs across
 * a front door's restart and cancels, which depend on no store's locking (the store's own contract
 * tests show both stores keep what they were given), so they run once, here.
 */
class QueueSqliteTest extends QueueContractTest {
  @Override
  protected String newStoreUrl(Path data) {
    return null;
  }

  @Test
  void queuedJobsSurviveARestartAndCancelledOnesNeverRun() throws Exception {
    String key = createAccount("acme");
    String first;
    String second;
    String cancelled;
    try (FrontDoor noWorker =
        FrontDoor.start(TestFrontDoors.config(data, storeUrl, false, 1 << 20, 1 << 20))) {
      ApiClient api = new ApiClient(noWorker.port());
      first = api.post("/jobs", key, requests(3)).json().get("job_id").asText();
      second = api.post("/jobs", key, requests(2)).json().get("job_id").asText();
      cancelled = api.post("/jobs", key, requests(2)).json().get("job_id").asText();
      assertThat(api.get("/jobs/" + first, key).json().get("status").asText()).isEqualTo("queued");
      JsonNode cancel = api.send("DELETE", "/jobs/" + cancelled, key, null).json();
      assertThat(cancel.get("status").asText()).isEqualTo("cancelled");
    }
    try (FrontDoor withWorker =
        FrontDoor.start(TestFrontDoors.config(data, storeUrl, true, 1 << 20, 1 << 20))) {
      ApiClient api = new ApiClient(withWorker.port());
      assertThat(api.awaitJob(first, key, Duration.ofMinutes(2)).at("/counts/ok").asLong())
          .isEqualTo(3);
      assertThat(api.awaitJob(second, key, Duration.ofMinutes(2)).at("/counts/ok").asLong())
          .isEqualTo(2);
      JsonNode never = api.get("/jobs/" + cancelled, key).json();
      assertThat(never.get("status").asText()).isEqualTo("cancelled");
      assertThat(never.get("started_at").isNull()).isTrue();

      // A running job stops when cancelled, and bills what it computed until then, once.
      String running = api.post("/jobs", key, requests(6000)).json().get("job_id").asText();
      api.awaitProgress(running, key, Duration.ofMinutes(2));
      assertThat(
              api.send("DELETE", "/jobs/" + running, key, null)
                  .json()
                  .get("cancel_requested")
                  .asBoolean())
          .isTrue();
      JsonNode stopped = api.awaitJob(running, key, Duration.ofMinutes(1));
      assertThat(stopped.get("status").asText()).isEqualTo("cancelled");
      double computed = stopped.get("compute_seconds").asDouble();
      assertThat(computed).isPositive();
      JsonNode usage = api.get("/usage", key).json();
      assertThat(usage.get("compute_seconds").asDouble())
          .isCloseTo(computed + finishedSeconds(api, key, first, second), within(1e-6));
    }
  }

  private static double finishedSeconds(ApiClient api, String key, String... jobs) {
    double seconds = 0;
    for (String job : jobs) {
      seconds += api.get("/jobs/" + job, key).json().get("compute_seconds").asDouble();
    }
    return seconds;
  }
}
