package co.backprop.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.backprop.contract.model.UserModel;
import co.backprop.contract.usage.UsageRow;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store on a real SQLite file, opened twice as the front door and a worker do. */
class JobStoreTest {
  @TempDir Path folder;
  private JobStore frontDoor;
  private JobStore worker;

  @BeforeEach
  void open() {
    frontDoor = JobStore.sqlite(folder.resolve("backprop.db"));
    worker = JobStore.sqlite(folder.resolve("backprop.db"));
  }

  private JobRecord enqueue(String id, String account, String idempotencyKey) {
    return frontDoor.enqueue(new JobRecord.NewJob(id, account, "batch", Map.of("task", "qa"), "in.jsonl", "out", idempotencyKey));
  }

  @Test
  void keysAreShownOnceAndStoredAsHashes() {
    String key = frontDoor.createAccount("acme");
    assertThat(key).startsWith("bp_").hasSizeGreaterThan(30);
    assertThat(worker.accountForKey(key)).contains("acme");
    assertThat(worker.accountForKey(key + "x")).isEmpty();
    assertThat(JobStore.hash(key)).isNotEqualTo(key).hasSize(64);
    assertThatThrownBy(() -> frontDoor.createAccount("acme")).hasMessage("account 'acme' already exists");
    assertThatThrownBy(() -> frontDoor.createAccount("Bad Name")).hasMessageStartingWith("account names are 2-63 characters");
  }

  @Test
  void anIdempotencyKeyReturnsTheSameJob() {
    JobRecord first = enqueue("j1", "acme", "retry-1");
    JobRecord again = enqueue("j2", "acme", "retry-1");
    assertThat(again.id()).isEqualTo("j1");
    assertThat(enqueue("j3", "zeta", "retry-1").id()).isEqualTo("j3"); // keys are per account
    assertThat(first.status()).isEqualTo(JobRecord.QUEUED);
  }

  @Test
  void workersClaimInOrderAndAnExpiredLeaseGoesBackToTheQueue() throws Exception {
    enqueue("a", "acme", null);
    enqueue("b", "acme", null);
    JobRecord claimed = worker.claim("w1", Duration.ofMillis(200)).orElseThrow();
    assertThat(claimed.id()).isEqualTo("a");
    assertThat(claimed.status()).isEqualTo(JobRecord.RUNNING);
    assertThat(claimed.attempts()).isEqualTo(1);
    assertThat(worker.claim("w2", Duration.ofSeconds(10)).orElseThrow().id()).isEqualTo("b");
    assertThat(worker.claim("w2", Duration.ofSeconds(10))).isEmpty();

    Thread.sleep(300); // w1 died: its lease on "a" runs out
    JobRecord reclaimed = worker.claim("w2", Duration.ofSeconds(10)).orElseThrow();
    assertThat(reclaimed.id()).isEqualTo("a");
    assertThat(reclaimed.attempts()).isEqualTo(2);
    assertThat(reclaimed.worker()).isEqualTo("w2");

    // The first worker comes back: it can neither renew nor finish, nor bill.
    assertThat(worker.renew("a", "w1", Duration.ofSeconds(10), 5, 10)).isFalse();
    UsageRow usage = new UsageRow("acme", "2026-11", "qa", "english", 3, 1.5);
    assertThat(worker.succeed("a", "w1", new JobRecord.Outcome("out", 3, 3, 0, 1.5, null), "run-a", List.of(usage))).isFalse();
    assertThat(frontDoor.usage("acme", "2026-11")).isEmpty();
    assertThat(worker.succeed("a", "w2", new JobRecord.Outcome("out/attempt-2", 3, 3, 0, 1.5, null), "run-a", List.of(usage))).isTrue();
    assertThat(worker.succeed("a", "w2", new JobRecord.Outcome("out/attempt-2", 3, 3, 0, 1.5, null), "run-a", List.of(usage))).isFalse();
    assertThat(frontDoor.usage("acme", "2026-11")).containsExactly(usage);
    JobRecord done = frontDoor.job("a", "acme").orElseThrow();
    assertThat(done.status()).isEqualTo(JobRecord.SUCCEEDED);
    assertThat(done.output()).isEqualTo("out/attempt-2");
    assertThat(done.ok()).isEqualTo(3);
  }

  @Test
  void anotherAccountsJobIsInvisibleAndCancellingStopsQueuedJobsAtOnce() {
    enqueue("q", "acme", null);
    enqueue("r", "acme", null);
    assertThat(frontDoor.job("q", "zeta")).isEmpty();
    assertThat(frontDoor.cancel("q", "zeta")).isEmpty();
    assertThat(frontDoor.cancel("q", "acme").orElseThrow().status()).isEqualTo(JobRecord.CANCELLED);

    JobRecord running = worker.claim("w", Duration.ofSeconds(10)).orElseThrow();
    assertThat(running.id()).isEqualTo("r");
    JobRecord cancelling = frontDoor.cancel("r", "acme").orElseThrow();
    assertThat(cancelling.status()).isEqualTo(JobRecord.RUNNING);
    assertThat(cancelling.cancelRequested()).isTrue();
    assertThat(worker.cancelled("r", "w")).isTrue();
    assertThat(frontDoor.job("r").orElseThrow().status()).isEqualTo(JobRecord.CANCELLED);
    assertThat(worker.claim("w", Duration.ofSeconds(10))).isEmpty();
  }

  @Test
  void aJobCancelledWhileItsWorkerDiedEndsCancelledAtTheNextClaim() throws Exception {
    enqueue("s", "acme", null);
    worker.claim("dead", Duration.ofMillis(100)).orElseThrow();
    frontDoor.cancel("s", "acme");
    Thread.sleep(200);
    assertThat(worker.claim("alive", Duration.ofSeconds(10))).isEmpty();
    assertThat(frontDoor.job("s").orElseThrow().status()).isEqualTo(JobRecord.CANCELLED);
  }

  @Test
  void usageOfOneSourceCountsOnce() {
    List<UsageRow> rows = List.of(new UsageRow("acme", "2026-11", "text-vectorisation", "english", 300, 2.0));
    assertThat(frontDoor.recordUsage("out/products@2026-11-26T10:00:00Z", rows)).isEqualTo(1);
    assertThat(frontDoor.recordUsage("out/products@2026-11-26T10:00:00Z", rows)).isZero();
    assertThat(frontDoor.recordUsage("out/other@2026-11-27T10:00:00Z", rows)).isEqualTo(1);
    assertThat(frontDoor.usage("acme", "2026-11")).containsExactly(new UsageRow("acme", "2026-11", "text-vectorisation", "english", 600, 4.0));
  }

  @Test
  void anUploadTokenWorksOnceAndNotAfterItExpires() throws Exception {
    String token = frontDoor.createUpload("acme", "my-model", Duration.ofHours(1));
    assertThat(frontDoor.useUpload(token)).contains(new JobStore.Upload("acme", "my-model"));
    assertThat(frontDoor.useUpload(token)).isEmpty();
    String shortLived = frontDoor.createUpload("acme", "my-model", Duration.ofMillis(1));
    Thread.sleep(20);
    assertThat(frontDoor.useUpload(shortLived)).isEmpty();
  }

  @Test
  void concurrentWorkersNeverClaimTheSameJobAndNeverHitALockedDatabase() throws Exception {
    for (int i = 0; i < 60; i++) {
      enqueue(String.format("c%03d", i), "acme", null);
    }
    java.util.Set<String> claimed = java.util.concurrent.ConcurrentHashMap.newKeySet();
    java.util.List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.List<Thread> threads = new java.util.ArrayList<>();
    for (int w = 0; w < 4; w++) {
      JobStore own = JobStore.sqlite(folder.resolve("backprop.db")); // a process of its own, as workers are
      String name = "w" + w;
      threads.add(new Thread(() -> {
        try {
          for (java.util.Optional<JobRecord> job; (job = own.claim(name, Duration.ofMinutes(1))).isPresent(); ) {
            assertThat(claimed.add(job.get().id())).as("claimed twice: " + job.get().id()).isTrue();
            own.renew(job.get().id(), name, Duration.ofMinutes(1), 1, 1);
            own.succeed(job.get().id(), name, new JobRecord.Outcome("out", 1, 1, 0, 0.1, null), job.get().id(),
                List.of(new UsageRow("acme", "2026-11", "qa", "english", 1, 0.1)));
            if (!job.get().id().endsWith("-next")) { // the front door keeps queueing meanwhile
              frontDoor.enqueue(new JobRecord.NewJob(job.get().id() + "-next", "zeta", "batch", Map.of(), null, "o", null));
            }
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(failures).isEmpty();
    assertThat(claimed).hasSizeGreaterThanOrEqualTo(60).hasSizeLessThanOrEqualTo(120);
    assertThat(frontDoor.usage("acme", "2026-11")).singleElement().satisfies(row -> assertThat(row.requests()).isEqualTo(claimed.size()));
  }
}
