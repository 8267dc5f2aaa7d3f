package co.backprop.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;

import co.backprop.contract.job.Job;
import co.backprop.contract.job.JobFailure;
import co.backprop.contract.usage.MonthlyLimit;
import co.backprop.store.Store;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task call that ran as a queued job (no serving process took it) and failed is answered by whose
 * failure it was, as the serving path answers: the job's failure kind crosses the store. This test
 * plays the worker: it claims the call's job and fails it as a worker would.
 */
class QueuedCallFailureTest {
  @TempDir Path data;

  @Test
  void aFailedQueuedCallIs503ForAVanishedModel400ForTheRequestAnd500ForTheServer()
      throws Exception {
    String key;
    try (Store store = Store.forDataFolder(data, null)) {
      key = store.accounts().create("acme", MonthlyLimit.UNLIMITED);
    }
    FrontDoorConfig config =
        TestFrontDoors.builder(data, null, false, Map.of())
            .optSyncWait(Duration.ofSeconds(60))
            .build();
    try (FrontDoor frontDoor = FrontDoor.start(config);
        Store worker = Store.forDataFolder(data, null)) {
      ApiClient api = new ApiClient(frontDoor.port());
      Map<JobFailure, Integer> expected =
          Map.of(
              JobFailure.MODEL_UNAVAILABLE, 503, JobFailure.REQUEST, 400, JobFailure.SERVER, 500);
      for (Map.Entry<JobFailure, Integer> failure : expected.entrySet()) {
        CompletableFuture<ApiClient.Answer> call =
            CompletableFuture.supplyAsync(
                () -> api.post("/text-vectorisation", key, "{\"text\": \"a call\"}"));
        Job job = claimWithin(worker, Duration.ofSeconds(30));
        String why = "failed as " + failure.getKey().storeName();
        assertThat(worker.queue().fail(job.id(), "test-worker", failure.getKey(), why)).isTrue();

        ApiClient.Answer answer = call.get(60, TimeUnit.SECONDS);
        assertThat(answer.status()).as(answer.body()).isEqualTo(failure.getValue());
        assertThat(answer.json().get("message").asText()).isEqualTo("the request failed: " + why);
      }
    }
  }

  /** The call's job, claimed as a worker claims it, once the front door has queued it. */
  private static Job claimWithin(Store worker, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<Job> job = worker.queue().claim("test-worker", Duration.ofMinutes(1));
      if (job.isPresent()) {
        return job.get();
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no task call was queued within " + timeout);
  }
}
