package co.backprop.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;

import co.backprop.contract.usage.MonthlyLimit;
import co.backprop.contract.usage.UsageRow;
import co.backprop.store.Store;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The serving process dies while it loads its models: task calls fall back to queued jobs, which
 * the worker runs, and each call is billed once.
 */
class ServingFallbackTest {
  @TempDir Path data;

  /** Whether a process runs {@code backprop serving}: its full command line, as /proc has it. */
  private static boolean isServing(ProcessHandle process) {
    try {
      return new String(
              java.nio.file.Files.readAllBytes(
                  Path.of("/proc", String.valueOf(process.pid()), "cmdline")))
          .contains("\0serving\0");
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @Test
  void callsFallBackToJobsWhenTheServingProcessIsKilledMidLoadAndAreBilledOnce() throws Exception {
    String key;
    try (Store store = Store.forDataFolder(data, null)) {
      key = store.accounts().create("acme", MonthlyLimit.UNLIMITED);
    }
    FrontDoorConfig config =
        TestFrontDoors.builder(data, null, true, Map.of())
            .optSyncWait(Duration.ofMillis(500))
            .optServingCommand(TestFrontDoors.servingCommand(data.toAbsolutePath(), null))
            .optServingReadyTimeout(Duration.ofMillis(1)) // do not wait: kill it while it loads
            .build();
    try (FrontDoor frontDoor = FrontDoor.start(config)) {
      ApiClient api = new ApiClient(frontDoor.port());
      List<ProcessHandle> serving =
          ProcessHandle.current().descendants().filter(ServingFallbackTest::isServing).toList();
      assertThat(serving).isNotEmpty();
      serving.forEach(ProcessHandle::destroyForcibly); // SIGKILL, mid-load
      for (ProcessHandle process : serving) {
        process.onExit().get(30, TimeUnit.SECONDS);
      }
      int calls = 5;
      List<String> jobs = new ArrayList<>();
      for (int i = 0; i < calls; i++) {
        ApiClient.Answer answer =
            api.post("/text-vectorisation", key, "{\"text\": \"call number " + i + "\"}");
        assertThat(answer.status()).as(answer.body()).isIn(200, 202);
        if (answer.status() == 202) {
          jobs.add(answer.json().get("job_id").asText());
        }
      }
      assertThat(jobs).as("calls made while no serving process is up become jobs").isNotEmpty();
      for (String job : jobs) {
        JsonNode done = api.awaitJob(job, key, Duration.ofMinutes(3));
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("succeeded");
        assertThat(api.get("/jobs/" + job + "/results", key).body()).contains("\"vector\"");
      }
    }
    try (Store store = Store.forDataFolder(data, null)) {
      List<UsageRow> usage = store.ledger().usage("acme", MonthlyLimit.period(Instant.now()));
      assertThat(usage).singleElement().satisfies(row -> assertThat(row.requests()).isEqualTo(5));
    }
  }
}
