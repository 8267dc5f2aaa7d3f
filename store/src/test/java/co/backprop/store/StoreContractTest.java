package co.backprop.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import co.backprop.contract.account.Account;
import co.backprop.contract.account.Grant;
import co.backprop.contract.job.Job;
import co.backprop.contract.job.JobFailure;
import co.backprop.contract.job.JobSpec;
import co.backprop.contract.job.JobStatus;
import co.backprop.contract.model.BuildStatus;
import co.backprop.contract.model.UserModel;
import co.backprop.contract.task.Task;
import co.backprop.contract.usage.MonthlyLimit;
import co.backprop.contract.usage.UsageRow;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every store must do, run against each database (SQLite, PostgreSQL): two handles on one
 * store stand for the front door and a worker, as two processes hold them; time is a test clock.
 */
abstract class StoreContractTest {
  private static final Instant START = Instant.parse("2026-11-20T10:00:00Z");

  protected final TestClock clock = new TestClock(START);
  private final List<Store> opened = new ArrayList<>();
  private String url;
  private Store frontDoor;
  private Store worker;

  /** A JDBC URL of a new, empty store. */
  protected abstract String newStoreUrl();

  @BeforeEach
  void open() {
    url = newStoreUrl();
    frontDoor = open(url);
    worker = open(url);
  }

  private Store open(String storeUrl) {
    Store store = Store.open(storeUrl, clock);
    opened.add(store);
    return store;
  }

  @AfterEach
  void close() {
    opened.forEach(Store::close);
  }

  private static JobSpec batch(String input) {
    return new JobSpec.Batch(input, "out/" + input, null, null, null, true);
  }

  private Job enqueue(String id, String account, String idempotencyKey) {
    return frontDoor
        .queue()
        .enqueue(new Job.New(id, account, batch(id + ".jsonl"), idempotencyKey));
  }

  @Test
  void keysAreShownOnceAndStoredAsHashes() {
    String key = frontDoor.accounts().create("acme");
    assertThat(key).startsWith("bp_").hasSizeGreaterThan(30);
    assertThat(worker.accounts().forKey(key)).contains("acme");
    assertThat(worker.accounts().forKey(key + "x")).isEmpty();
    assertThat(JdbcAccounts.hash(key)).isNotEqualTo(key).hasSize(64);
    assertThatThrownBy(() -> frontDoor.accounts().create("acme"))
        .hasMessage("account 'acme' already exists");
    assertThatThrownBy(() -> frontDoor.accounts().create("Bad Name"))
        .hasMessageStartingWith("account names are 2-63 characters");
  }

  @Test
  void servingProcessesAreLiveWhileTheyRenewAndTheirSecretReachesTheFrontDoors() {
    worker
        .serving()
        .announce("s1", "http://127.0.0.1:4001", "secret-1", List.of("emotion/english"));
    clock.advance(Duration.ofSeconds(5));
    worker.serving().announce("s2", "http://127.0.0.1:4002", "secret-2", List.of());

    assertThat(frontDoor.serving().live(Duration.ofSeconds(10)))
        .extracting(ServingRegistry.Process::id, ServingRegistry.Process::secret)
        .containsExactly(tuple("s1", "secret-1"), tuple("s2", "secret-2"));
    assertThat(frontDoor.serving().live(Duration.ofSeconds(10)).get(0).models())
        .containsExactly("emotion/english");
    // s1 stops renewing; s2 restarts with a new secret under the same id, then withdraws.
    clock.advance(Duration.ofSeconds(6));
    worker.serving().announce("s2", "http://127.0.0.1:4002", "secret-3", List.of());
    assertThat(frontDoor.serving().live(Duration.ofSeconds(10)))
        .extracting(ServingRegistry.Process::id, ServingRegistry.Process::secret)
        .containsExactly(tuple("s2", "secret-3"));
    worker.serving().withdraw("s2");
    assertThat(frontDoor.serving().live(Duration.ofSeconds(10))).isEmpty();
  }

  @Test
  void theSpecComesBackAsItWasQueuedAndAnIdempotencyKeyReturnsTheSameJob() {
    JobSpec.TaskCall call =
        new JobSpec.TaskCall(
            Task.TEXT_VECTORISATION,
            JsonNodeFactory.instance.objectNode().put("text", "hello"),
            "jobs/t1");
    Job queued = frontDoor.queue().enqueue(new Job.New("t1", "acme", call, null));
    assertThat(queued.spec()).isEqualTo(call);
    assertThat(queued.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(queued.createdAt()).isEqualTo(START);
    assertThat(worker.queue().job("t1").orElseThrow().spec()).isEqualTo(call);

    Job first = enqueue("j1", "acme", "retry-1");
    assertThat(enqueue("j2", "acme", "retry-1").id()).isEqualTo("j1");
    assertThat(enqueue("j3", "zeta", "retry-1").id()).isEqualTo("j3"); // keys are per account
    assertThat(first.spec()).isEqualTo(batch("j1.jsonl"));
  }

  @Test
  void workersClaimInOrderAndAnExpiredLeaseGoesBackToTheQueue() {
    JobQueue.Policy many = new JobQueue.Policy(5, 3);
    enqueue("a", "acme", null);
    clock.advance(Duration.ofMillis(1));
    enqueue("b", "acme", null);
    Job claimed = worker.queue().claim("w1", Duration.ofSeconds(30), many).orElseThrow();
    assertThat(claimed.id()).isEqualTo("a");
    assertThat(claimed.status()).isEqualTo(JobStatus.RUNNING);
    assertThat(claimed.attempts()).isEqualTo(1);
    assertThat(claimed.startedAt()).isEqualTo(START.plusMillis(1));
    assertThat(worker.queue().claim("w2", Duration.ofMinutes(5), many).orElseThrow().id())
        .isEqualTo("b");
    assertThat(worker.queue().claim("w2", Duration.ofMinutes(5), many)).isEmpty();

    clock.advance(Duration.ofSeconds(31)); // w1 died: its lease on "a" runs out
    Job reclaimed = worker.queue().claim("w2", Duration.ofMinutes(5), many).orElseThrow();
    assertThat(reclaimed.id()).isEqualTo("a");
    assertThat(reclaimed.attempts()).isEqualTo(2);
    assertThat(reclaimed.worker()).isEqualTo("w2");

    // The first worker comes back: it can neither renew nor finish, nor bill.
    assertThat(worker.queue().renew("a", "w1", Duration.ofSeconds(10), 5, 10)).isFalse();
    UsageRow usage = new UsageRow("acme", "2026-11", "qa", "english", 3, 1.5);
    assertThat(
            worker
                .queue()
                .succeed(
                    "a", "w1", new Job.Outcome("out", 3, 3, 0, 1.5, null), "run-a", List.of(usage)))
        .isFalse();
    assertThat(frontDoor.ledger().usage("acme", "2026-11")).isEmpty();
    assertThat(worker.queue().renew("a", "w2", Duration.ofSeconds(10), 2, 3)).isTrue();
    assertThat(frontDoor.queue().job("a").orElseThrow().done()).isEqualTo(2);
    Job.Outcome outcome = new Job.Outcome("out/attempt-2", 3, 3, 0, 1.5, null);
    assertThat(worker.queue().succeed("a", "w2", outcome, "run-a", List.of(usage))).isTrue();
    assertThat(worker.queue().succeed("a", "w2", outcome, "run-a", List.of(usage))).isFalse();
    assertThat(frontDoor.ledger().usage("acme", "2026-11")).containsExactly(usage);
    Job done = frontDoor.queue().job("a", "acme").orElseThrow();
    assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(done.results()).isEqualTo("out/attempt-2");
    assertThat(done.ok()).isEqualTo(3);
    assertThat(done.finishedAt()).isEqualTo(clock.instant());
  }

  @Test
  void aFailureIsRecordedWithItsMessageAndWhoseItIsOnlyByTheLeaseHolder() {
    enqueue("f", "acme", null);
    worker.queue().claim("w", Duration.ofMinutes(1)).orElseThrow();
    assertThat(worker.queue().fail("f", "someone-else", JobFailure.SERVER, "boom")).isFalse();
    assertThat(worker.queue().fail("f", "w", JobFailure.REQUEST, "the input does not exist"))
        .isTrue();
    Job failed = frontDoor.queue().job("f").orElseThrow();
    assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
    assertThat(failed.message()).isEqualTo("the input does not exist");
    assertThat(failed.failure()).isEqualTo(JobFailure.REQUEST);

    clock.advance(Duration.ofMillis(1));
    enqueue("m", "acme", null);
    worker.queue().claim("w", Duration.ofMinutes(1)).orElseThrow();
    assertThat(worker.queue().fail("m", "w", JobFailure.MODEL_UNAVAILABLE, "model gone")).isTrue();
    assertThat(frontDoor.queue().job("m").orElseThrow().failure())
        .isEqualTo(JobFailure.MODEL_UNAVAILABLE);

    clock.advance(Duration.ofMillis(1));
    enqueue("s", "acme", null);
    worker.queue().claim("w", Duration.ofMinutes(1)).orElseThrow();
    assertThat(worker.queue().succeed("s", "w", Job.Outcome.message("done"), null, List.of()))
        .isTrue();
    assertThat(frontDoor.queue().job("s").orElseThrow().failure()).isNull();
  }

  @Test
  void anotherAccountsJobIsInvisibleAndCancellingStopsQueuedJobsAtOnce() {
    enqueue("q", "acme", null);
    clock.advance(Duration.ofMillis(1));
    enqueue("r", "acme", null);
    assertThat(frontDoor.queue().job("q", "zeta")).isEmpty();
    assertThat(frontDoor.queue().cancel("q", "zeta")).isEmpty();
    Job cancelledQueued = frontDoor.queue().cancel("q", "acme").orElseThrow();
    assertThat(cancelledQueued.status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(cancelledQueued.message()).isEqualTo("cancelled before it started");

    Job running = worker.queue().claim("w", Duration.ofSeconds(10)).orElseThrow();
    assertThat(running.id()).isEqualTo("r");
    Job cancelling = frontDoor.queue().cancel("r", "acme").orElseThrow();
    assertThat(cancelling.status()).isEqualTo(JobStatus.RUNNING);
    assertThat(cancelling.cancelRequested()).isTrue();
    assertThat(worker.queue().cancelled("r", "w")).isTrue();
    assertThat(frontDoor.queue().job("r").orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(worker.queue().claim("w", Duration.ofSeconds(10))).isEmpty();
  }

  @Test
  void anAccountsJobsListNewestFirstAndOnlyItsOwn() {
    enqueue("j1", "acme", null);
    clock.advance(Duration.ofSeconds(1));
    enqueue("j2", "zeta", null);
    clock.advance(Duration.ofSeconds(1));
    enqueue("j3", "acme", null);
    assertThat(frontDoor.queue().jobsOf("acme", 10))
        .extracting(Job::id)
        .containsExactly("j3", "j1");
    assertThat(frontDoor.queue().jobsOf("acme", 1)).extracting(Job::id).containsExactly("j3");
    assertThat(frontDoor.queue().jobsOf("zeta", 10)).extracting(Job::id).containsExactly("j2");
    assertThat(frontDoor.queue().jobsOf("omega", 10)).isEmpty();
  }

  @Test
  void usageIsSummedByTheDayItWasRecordedOn() {
    UsageRow row = new UsageRow("acme", "2026-11", "qa", "english", 1, 1.5);
    frontDoor.ledger().record("a", List.of(row));
    clock.advance(Duration.ofHours(1));
    frontDoor.ledger().record("b", List.of(row));
    clock.advance(Duration.ofDays(2));
    frontDoor
        .ledger()
        .record("c", List.of(row, new UsageRow("acme", "2026-11", "emotion", "english", 1, 0.25)));
    // START is 2026-11-20T10:00Z: two rows that day, two on the 22nd.
    assertThat(worker.ledger().daily("acme", "2026-11"))
        .containsExactly(
            new UsageLedger.DailyUsage(java.time.LocalDate.parse("2026-11-20"), 3.0),
            new UsageLedger.DailyUsage(java.time.LocalDate.parse("2026-11-22"), 1.75));
    assertThat(worker.ledger().daily("zeta", "2026-11")).isEmpty();
  }

  @Test
  void aJobCancelledWhileItsWorkerDiedEndsCancelledAtTheNextClaim() {
    enqueue("s", "acme", null);
    worker.queue().claim("dead", Duration.ofSeconds(5)).orElseThrow();
    frontDoor.queue().cancel("s", "acme");
    clock.advance(Duration.ofSeconds(6));
    assertThat(worker.queue().claim("alive", Duration.ofSeconds(10))).isEmpty();
    assertThat(frontDoor.queue().job("s").orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
  }

  @Test
  void usageOfOneSourceCountsOnce() {
    List<UsageRow> rows =
        List.of(new UsageRow("acme", "2026-11", "text-vectorisation", "english", 300, 2.0));
    assertThat(frontDoor.ledger().record("out/products@2026-11-26T10:00:00Z", rows)).isEqualTo(1);
    assertThat(worker.ledger().record("out/products@2026-11-26T10:00:00Z", rows)).isZero();
    assertThat(frontDoor.ledger().record("out/other@2026-11-27T10:00:00Z", rows)).isEqualTo(1);
    assertThat(frontDoor.ledger().usage("acme", "2026-11"))
        .containsExactly(
            new UsageRow("acme", "2026-11", "text-vectorisation", "english", 600, 4.0));
    assertThat(frontDoor.ledger().usage("acme", "2026-12")).isEmpty();
  }

  @Test
  void uploadedModelsBelongToTheirAccountAndTokensWorkOnceUntilTheyExpire() {
    UserModel model =
        new UserModel(
            "acme",
            "moods",
            "joy and anger",
            List.of("emotion"),
            BuildStatus.BUILDING,
            "queued",
            START,
            "/m");
    frontDoor.models().save(model);
    assertThat(worker.models().model("acme", "moods")).contains(model);
    assertThat(worker.models().model("zeta", "moods")).isEmpty();
    UserModel built = model.built(BuildStatus.SUCCESS, "loaded", START.plusSeconds(5));
    worker.models().save(built);
    assertThat(frontDoor.models().models("acme")).containsExactly(built);
    assertThat(frontDoor.models().delete("zeta", "moods")).isFalse();
    assertThat(frontDoor.models().delete("acme", "moods")).isTrue();
    assertThat(frontDoor.models().models("acme")).isEmpty();

    String token = frontDoor.models().createUpload("acme", "my-model", Duration.ofHours(1), 10);
    assertThat(frontDoor.models().upload(token)) // looked at, not used
        .contains(new UploadedModels.Upload("acme", "my-model"));
    assertThat(frontDoor.models().useUpload(token))
        .contains(new UploadedModels.Upload("acme", "my-model"));
    assertThat(frontDoor.models().useUpload(token)).isEmpty();
    String shortLived =
        frontDoor.models().createUpload("acme", "my-model", Duration.ofMinutes(1), 10);
    clock.advance(Duration.ofMinutes(2));
    assertThat(frontDoor.models().useUpload(shortLived)).isEmpty();
  }

  @Test
  void aWaitingBuildServesEveryUploadMadeBeforeItStarts() {
    JobSpec moods = new JobSpec.ModelBuild("moods");
    assertThat(build("b1", "acme", moods).id()).isEqualTo("b1");
    clock.advance(Duration.ofMillis(1));
    assertThat(build("b2", "acme", moods).id()).isEqualTo("b1"); // uploaded again: b1 builds it
    assertThat(build("o1", "acme", new JobSpec.ModelBuild("other")).id()).isEqualTo("o1");
    assertThat(frontDoor.queue().jobsOf("acme", 10)).extracting(Job::id).containsOnly("b1", "o1");

    Job started = worker.queue().claim("w", Duration.ofMinutes(1)).orElseThrow();
    assertThat(started.id()).isEqualTo("b1");
    assertThat(build("z1", "zeta", moods).id()).isEqualTo("z1"); // another account's own
    // b1 has read its upload: one made now needs a build of its own, and only one.
    assertThat(build("b3", "acme", moods).id()).isEqualTo("b3");
    assertThat(build("b4", "acme", moods).id()).isEqualTo("b3");
  }

  private Job build(String id, String account, JobSpec spec) {
    return frontDoor.queue().enqueueUnlessWaiting(new Job.New(id, account, spec, null, null));
  }

  @Test
  void aBuildIsRecordedOnlyOnTheUploadItBuilt() {
    UserModel first =
        new UserModel(
            "acme", "moods", "", List.of("emotion"), BuildStatus.BUILDING, "queued", START, "/m/1");
    frontDoor.models().save(first);
    UserModel second =
        new UserModel(
            "acme", "moods", "", List.of("emotion"), BuildStatus.BUILDING, "queued", START, "/m/2");
    frontDoor.models().save(second); // uploaded again while the first was building
    Instant later = START.plusSeconds(5);
    assertThat(worker.models().recordBuild(first.built(BuildStatus.SUCCESS, "ok", later)))
        .isFalse();
    assertThat(frontDoor.models().model("acme", "moods")).contains(second);

    UserModel built = second.built(BuildStatus.FAIL, "no tokenizer", later);
    assertThat(worker.models().recordBuild(built)).isTrue();
    assertThat(frontDoor.models().model("acme", "moods")).contains(built);
    assertThat(frontDoor.models().delete("acme", "moods")).isTrue();
    assertThat(worker.models().recordBuild(built)).isFalse(); // a deleted model stays deleted
    assertThat(frontDoor.models().models("acme")).isEmpty();
  }

  @Test
  void anUploadUrlPutManyTimesAtOnceWorksOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (int round = 0; round < 20; round++) {
        String token = frontDoor.models().createUpload("acme", "m", Duration.ofHours(1), 10);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Optional<UploadedModels.Upload>>> uses = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          Store handle = i % 2 == 0 ? frontDoor : worker; // as two front doors hold it
          uses.add(
              pool.submit(
                  () -> {
                    go.await();
                    return handle.models().useUpload(token);
                  }));
        }
        go.countDown();
        int granted = 0;
        for (Future<Optional<UploadedModels.Upload>> use : uses) {
          granted += use.get().isPresent() ? 1 : 0;
        }
        assertThat(granted).as("round " + round).isEqualTo(1);
      }
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void reopeningAStoreKeepsItsDataAndItsSchema() {
    String key = frontDoor.accounts().create("acme");
    enqueue("kept", "acme", null);
    frontDoor.close();
    Store again = open(url);
    assertThat(again.accounts().forKey(key)).contains("acme");
    assertThat(again.queue().job("kept")).isPresent();
  }

  /** Two workers, each on its own connection pool as two processes would be, drain 200 jobs. */
  @Test
  void twoWorkersClaim200QueuedJobsAndEachRunsExactlyOnce() throws Exception {
    int jobs = 200;
    for (int i = 0; i < jobs; i++) {
      enqueue(String.format("c%03d", i), i % 2 == 0 ? "acme" : "zeta", null);
    }
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    Set<String> workersSeen = ConcurrentHashMap.newKeySet();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    List<Thread> threads = new ArrayList<>();
    CountDownLatch ready = new CountDownLatch(2);
    for (String name : List.of("worker-1", "worker-2")) {
      Store own = open(url);
      threads.add(
          new Thread(
              () -> {
                try {
                  ready.countDown();
                  ready.await(); // both start together
                  for (Optional<Job> job;
                      (job = own.queue().claim(name, Duration.ofMinutes(1))).isPresent(); ) {
                    String id = job.get().id();
                    runs.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                    workersSeen.add(name);
                    Thread.sleep(
                        1); // the job's work: long enough for the other worker to claim meanwhile
                    own.queue().renew(id, name, Duration.ofMinutes(1), 1, 1);
                    UsageRow usage =
                        new UsageRow(job.get().account(), "2026-11", "qa", "english", 1, 0.1);
                    if (!own.queue()
                        .succeed(
                            id,
                            name,
                            new Job.Outcome("out/" + id, 1, 1, 0, 0.1, null),
                            "run-" + id,
                            List.of(usage))) {
                      throw new AssertionError(
                          "lost the lease of " + id + " without anyone else claiming it");
                    }
                  }
                } catch (Throwable e) {
                  failures.add(e);
                }
              },
              name));
    }
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join(Duration.ofMinutes(2).toMillis());
    }
    assertThat(failures).isEmpty();
    assertThat(runs).hasSize(jobs);
    assertThat(runs.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
    assertThat(workersSeen).containsExactlyInAnyOrder("worker-1", "worker-2");
    for (String account : List.of("acme", "zeta")) {
      assertThat(frontDoor.ledger().usage(account, "2026-11"))
          .singleElement()
          .satisfies(row -> assertThat(row.requests()).isEqualTo(jobs / 2));
    }
    for (int i = 0; i < jobs; i++) {
      assertThat(frontDoor.queue().job(String.format("c%03d", i)).orElseThrow().status())
          .isEqualTo(JobStatus.SUCCEEDED);
    }
  }

  @Test
  void accountsHaveAMonthlyLimitAndGrantsTheOperatorSets() {
    frontDoor.accounts().create("acme");
    frontDoor.accounts().create("bigco", MonthlyLimit.UNLIMITED);
    assertThat(worker.accounts().account("acme").orElseThrow().monthlyLimit())
        .isEqualTo(MonthlyLimit.FREE_TIER);
    assertThat(worker.accounts().account("bigco").orElseThrow().monthlyLimit().unlimited())
        .isTrue();
    assertThat(worker.accounts().account("nobody")).isEmpty();

    frontDoor.accounts().setMonthlyLimit("acme", new MonthlyLimit(50.0));
    frontDoor.accounts().grant("acme", new Grant("s3a://lake/acme", true));
    frontDoor.accounts().grant("acme", new Grant("/srv/shared/acme", false));
    frontDoor
        .accounts()
        .grant("acme", new Grant("s3a://lake/acme/", false)); // replaces the read-only one
    Account acme = worker.accounts().account("acme").orElseThrow();
    assertThat(acme.monthlyLimit().seconds()).isEqualTo(50.0);
    assertThat(acme.grants())
        .containsExactly(
            new Grant("/srv/shared/acme/", false), new Grant("s3a://lake/acme/", false));
    assertThat(frontDoor.accounts().revoke("acme", "s3a://lake/acme")).isTrue();
    assertThat(worker.accounts().account("acme").orElseThrow().grants())
        .containsExactly(new Grant("/srv/shared/acme/", false));
    assertThatThrownBy(() -> frontDoor.accounts().grant("nobody", new Grant("s3a://x/", true)))
        .hasMessage("there is no account 'nobody'");
    assertThatThrownBy(() -> frontDoor.accounts().setMonthlyLimit("nobody", MonthlyLimit.UNLIMITED))
        .hasMessage("there is no account 'nobody'");
  }

  @Test
  void theLedgerSaysHowManySecondsAnAccountUsedInAMonth() {
    frontDoor
        .ledger()
        .record("a", List.of(new UsageRow("acme", "2026-11", "qa", "english", 2, 1.25)));
    frontDoor
        .ledger()
        .record("b", List.of(new UsageRow("acme", "2026-11", "emotion", "english", 1, 0.5)));
    frontDoor
        .ledger()
        .record("c", List.of(new UsageRow("acme", "2026-12", "qa", "english", 1, 9.0)));
    assertThat(worker.ledger().used("acme", "2026-11")).isEqualTo(1.75);
    assertThat(worker.ledger().used("zeta", "2026-11")).isZero();
  }

  @Test
  void accountsTakeTurnsAndEachRunsAtMostItsShare() {
    frontDoor.accounts().create("acme");
    frontDoor.accounts().create("zeta");
    for (int i = 0; i < 5; i++) {
      enqueue("a" + i, "acme", null); // acme queued five first...
      clock.advance(Duration.ofMillis(1));
    }
    enqueue("z0", "zeta", null); // ...zeta's one job does not wait behind them
    clock.advance(Duration.ofMillis(1));
    enqueue("z1", "zeta", null);
    JobQueue.Policy twoEach = new JobQueue.Policy(2, 3);
    List<String> order = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      clock.advance(Duration.ofMillis(1));
      order.add(worker.queue().claim("w" + i, Duration.ofMinutes(5), twoEach).orElseThrow().id());
    }
    assertThat(order).containsExactly("a0", "z0", "a1", "z1");
    // Both accounts run two: nothing more is claimed until one finishes.
    assertThat(worker.queue().claim("w9", Duration.ofMinutes(5), twoEach)).isEmpty();
    worker.queue().succeed("a0", "w0", new Job.Outcome("out", 1, 1, 0, 0.1, null), "s", List.of());
    assertThat(worker.queue().claim("w9", Duration.ofMinutes(5), twoEach).orElseThrow().id())
        .isEqualTo("a2");
  }

  @Test
  void aJobThatKeepsKillingItsWorkerFailsAfterItsAttemptsAndAStoppingWorkerReturnsItsJob() {
    enqueue("poison", "acme", null);
    JobQueue.Policy policy = new JobQueue.Policy(1, 3);
    for (int attempt = 1; attempt <= 3; attempt++) {
      Job claimed =
          worker.queue().claim("w" + attempt, Duration.ofSeconds(30), policy).orElseThrow();
      assertThat(claimed.attempts()).isEqualTo(attempt);
      clock.advance(Duration.ofSeconds(31)); // the worker died: its lease runs out
    }
    assertThat(worker.queue().claim("w4", Duration.ofSeconds(30), policy)).isEmpty();
    Job failed = frontDoor.queue().job("poison").orElseThrow();
    assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
    assertThat(failed.message())
        .startsWith("gave up after 3 attempts: each time, the worker running it stopped");
    assertThat(failed.failure()).isEqualTo(JobFailure.SERVER);

    enqueue("released", "acme", null);
    worker.queue().claim("stopping", Duration.ofSeconds(30), policy).orElseThrow();
    assertThat(worker.queue().release("released", "someone-else")).isFalse();
    assertThat(worker.queue().release("released", "stopping")).isTrue();
    Job again = worker.queue().claim("next", Duration.ofSeconds(30), policy).orElseThrow();
    assertThat(again.id()).isEqualTo("released");
    assertThat(again.attempts()).isEqualTo(1); // a worker stopping is not the job's fault
  }

  @Test
  void anAccountMayHaveOnlySoManyJobsWaitingAndAKeyIsForOneRequest() {
    JobSpec spec = batch("x.jsonl");
    frontDoor.queue().enqueue(new Job.New("k1", "acme", spec, "nightly", "hash-1"), 2);
    assertThat(
            frontDoor.queue().enqueue(new Job.New("k2", "acme", spec, "nightly", "hash-1"), 2).id())
        .isEqualTo("k1");
    assertThatThrownBy(
            () ->
                frontDoor.queue().enqueue(new Job.New("k3", "acme", spec, "nightly", "hash-2"), 2))
        .isInstanceOf(IdempotencyConflictException.class)
        .hasMessageContaining("was used for a different request (job k1)");
    frontDoor.queue().enqueue(new Job.New("k4", "acme", spec, null, "hash-4"), 2);
    assertThatThrownBy(
            () -> frontDoor.queue().enqueue(new Job.New("k5", "acme", spec, null, "hash-5"), 2))
        .isInstanceOf(CapReachedException.class)
        .hasMessageStartingWith("acme has 2 jobs waiting");
    assertThat(frontDoor.queue().enqueue(new Job.New("z1", "zeta", spec, null, null), 2).id())
        .isEqualTo("z1");
  }

  @Test
  void cancelledAndFailedJobsBillWhatTheyComputed() {
    enqueue("c", "acme", null);
    worker.queue().claim("w", Duration.ofMinutes(1)).orElseThrow();
    UsageRow computed = new UsageRow("acme", "2026-11", "qa", "english", 40, 12.5);
    assertThat(worker.queue().cancelled("c", "w", "cancelled:c", List.of(computed))).isTrue();
    assertThat(frontDoor.queue().job("c").orElseThrow().computeSeconds()).isEqualTo(12.5);
    clock.advance(Duration.ofMillis(1));
    enqueue("f", "acme", null);
    worker.queue().claim("w", Duration.ofMinutes(1)).orElseThrow();
    assertThat(
            worker.queue().fail("f", "w", JobFailure.SERVER, "boom", "failed:f", List.of(computed)))
        .isTrue();
    assertThat(frontDoor.ledger().used("acme", "2026-11")).isEqualTo(25.0);
  }

  @Test
  void anAccountHoldsOnlySoManyOpenUploadUrls() {
    frontDoor.models().createUpload("acme", "m1", Duration.ofMinutes(10), 2);
    frontDoor.models().createUpload("acme", "m2", Duration.ofMinutes(10), 2);
    assertThatThrownBy(
            () -> frontDoor.models().createUpload("acme", "m3", Duration.ofMinutes(10), 2))
        .isInstanceOf(CapReachedException.class)
        .hasMessageStartingWith("acme has 2 unused upload URLs");
    clock.advance(Duration.ofMinutes(11)); // they expire
    frontDoor.models().createUpload("acme", "m3", Duration.ofMinutes(10), 2);
  }
}
