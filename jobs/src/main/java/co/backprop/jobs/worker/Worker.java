package co.backprop.jobs.worker;

import co.backprop.contract.UserError;
import co.backprop.contract.job.DataFormat;
import co.backprop.contract.job.Job;
import co.backprop.contract.job.JobFailure;
import co.backprop.contract.job.JobSpec;
import co.backprop.contract.model.ModelCatalog;
import co.backprop.contract.model.ModelException;
import co.backprop.contract.model.ModelStore;
import co.backprop.contract.model.UserModels;
import co.backprop.contract.task.Json;
import co.backprop.contract.usage.MonthlyLimit;
import co.backprop.contract.usage.UsageRow;
import co.backprop.jobs.BatchJob;
import co.backprop.jobs.JobOptions;
import co.backprop.jobs.JobSummary;
import co.backprop.jobs.spark.BudgetServer;
import co.backprop.jobs.spark.ClusterWatchdog;
import co.backprop.jobs.spark.ProgressReporter;
import co.backprop.store.JobQueue;
import co.backprop.store.Store;
import co.backprop.store.StoreException;
import co.backprop.store.UsageLedger;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A long-running Spark driver that takes jobs from the store one at a time: it claims a job with a
 * lease, renews the lease while the job runs (recording progress), cancels the job's Spark work
 * when the job is cancelled or the lease is lost, and finishes the job — with its usage, once —
 * only while it still holds the lease. Each job runs within its account's monthly compute limit:
 * rows past it come out as quota errors; a cancelled or failed job bills what it computed. A worker
 * told to stop puts its running job back in the queue. Models stay loaded between jobs. On a
 * cluster, a job whose executors cannot start (or are all lost) fails after the executor timeout
 * instead of waiting forever, and a worker whose Spark application the cluster manager ended starts
 * a new one before its next job.
 */
public final class Worker implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
  static final String CLUSTER_FAILED =
      "the job failed: no Spark executor could run it (the cluster's executors did not start or"
          + " were lost); the operator's worker log has the details";

  private final Supplier<SparkSession> sessions;
  private final Duration executorTimeout;
  private volatile SparkSession spark;
  private final Store store;
  private final ModelStore models;
  private final String id;
  private final Duration lease;
  private final Duration poll;
  private final JobQueue.Policy policy;
  private final Clock clock;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);

  /**
   * @param sessions makes the worker's Spark session: at start, and again when the cluster manager
   *     ended the last one's application
   * @param executorTimeout how long a job may go without any executor on a cluster
   */
  public Worker(
      Supplier<SparkSession> sessions,
      Duration executorTimeout,
      Store store,
      ModelStore models,
      String id,
      Duration lease,
      Duration poll,
      JobQueue.Policy policy,
      Clock clock) {
    this.sessions = sessions;
    this.executorTimeout = executorTimeout;
    this.spark = sessions.get();
    this.store = store;
    this.models = models;
    this.id = id;
    this.lease = lease;
    this.poll = poll;
    this.policy = policy;
    this.clock = clock;
  }

  /** Asks the worker to stop: no new claims; a running job is stopped and put back in the queue. */
  public void stop() {
    if (stopping.compareAndSet(false, true) && !spark.sparkContext().isStopped()) {
      spark.sparkContext().cancelAllJobs();
    }
  }

  /** Stops the worker's Spark session: after {@link #run} has returned. */
  public void stopSpark() {
    spark.stop();
  }

  /** Waits until the worker's loop has ended (its job, if any, back in the queue). */
  public boolean awaitStopped(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void run() {
    LOG.info("worker {} waiting for jobs", id);
    try {
      while (!stopping.get()) {
        Optional<Job> claimed;
        try {
          claimed = queue().claim(id, lease, policy);
        } catch (StoreException e) {
          LOG.warn("cannot reach the job store: {}", e.getMessage());
          claimed = Optional.empty();
        }
        if (claimed.isPresent()) {
          if (spark.sparkContext().isStopped()) {
            LOG.warn("the Spark application ended; starting a new one");
            spark = sessions.get();
          }
          process(claimed.get());
        } else {
          sleep(poll);
        }
      }
    } finally {
      stopped.countDown();
    }
  }

  private JobQueue queue() {
    return store.queue();
  }

  /**
   * Runs one claimed job to its end: succeeded, failed, cancelled, lost to another worker, or put
   * back.
   */
  void process(Job job) {
    LOG.info(
        "worker {} runs job {} ({}, attempt {})",
        id,
        job.id(),
        job.spec().kind().apiName(),
        job.attempts());
    AtomicLong done = new AtomicLong();
    AtomicLong total = new AtomicLong();
    AtomicBoolean lost = new AtomicBoolean();
    AtomicBoolean cancelled = new AtomicBoolean();
    Thread heartbeat =
        new Thread(() -> beat(job, done, total, lost, cancelled), "backprop-lease-" + job.id());
    heartbeat.setDaemon(true);
    heartbeat.start();
    BudgetServer budget = null;
    AtomicReference<String> clusterFailure = new AtomicReference<>();
    ClusterWatchdog watchdog =
        ClusterWatchdog.start(
            spark.sparkContext(),
            executorTimeout,
            message -> {
              LOG.warn("job {}: {}", job.id(), message);
              clusterFailure.set(message);
              cancel(job);
            });
    try {
      spark.sparkContext().setJobGroup(group(job), "backprop job " + job.id(), true);
      if (job.spec() instanceof JobSpec.ModelBuild build) {
        String message = new ModelBuild(store.models(), models).build(job.account(), build);
        finish(
            job,
            lost,
            () ->
                queue()
                    .succeed(
                        job.id(),
                        id,
                        Job.Outcome.message(message),
                        "build:" + job.id(),
                        List.of()));
      } else {
        budget = budget(job);
        runBatch(
            job,
            (rows, of) -> {
              done.set(rows);
              total.set(of);
            },
            lost,
            budget);
      }
    } catch (Exception | Error e) { // Spark throws its checked SparkException unannounced
      watchdog.explain(e);
      List<UsageRow> computed = budget == null ? List.of() : computed(job, budget);
      if (stopping.get()) {
        queue()
            .release(
                job.id(),
                id); // not the job's fault: another worker (or this one, restarted) runs it again
        LOG.info("job {} put back in the queue: the worker is stopping", job.id());
      } else if (cancelled.get()) {
        queue().cancelled(job.id(), id, "cancelled:" + job.id() + "@" + job.attempts(), computed);
        LOG.info("job {} cancelled", job.id());
      } else if (!lost.get()) {
        LOG.warn("job {} failed", job.id(), e);
        boolean cluster = clusterFailure.get() != null;
        queue()
            .fail(
                job.id(),
                id,
                cluster ? JobFailure.SERVER : failureOf(e),
                cluster ? CLUSTER_FAILED : clientMessage(job, e),
                "failed:" + job.id() + "@" + job.attempts(),
                computed);
      }
    } finally {
      watchdog.close();
      if (!spark.sparkContext().isStopped()) {
        spark.sparkContext().clearJobGroup();
      }
      heartbeat.interrupt();
      if (budget != null) {
        budget.close();
      }
    }
  }

  /** The job's budget: its account's monthly limit, less what it used this month. */
  private BudgetServer budget(Job job) {
    Instant now = clock.instant();
    String period = MonthlyLimit.period(now);
    MonthlyLimit limit =
        store
            .accounts()
            .account(job.account())
            .map(a -> a.monthlyLimit())
            .orElse(MonthlyLimit.FREE_TIER);
    double left = limit.left(store.ledger().used(job.account(), period));
    String error =
        limit.unlimited()
            ? ""
            : String.format(
                Locale.ROOT,
                "quota: %s reached its monthly limit of %.0f compute seconds in %s during this job;"
                    + " this row was not run (run it again after %s)",
                job.account(),
                limit.seconds(),
                period,
                MonthlyLimit.resetsAt(now));
    String host = spark.sparkContext().getConf().get("spark.driver.host", "127.0.0.1");
    return BudgetServer.start(host, left, error);
  }

  private void runBatch(
      Job job, ProgressReporter.Sink progress, AtomicBoolean lost, BudgetServer budget) {
    // Each attempt writes its own folder: a worker that lost its lease cannot overwrite the winner.
    String output = new Path(output(job.spec()), "attempt-" + job.attempts()).toString();
    JobOptions options = options(job, output);
    ModelCatalog catalog =
        UserModels.catalog(BatchJob.catalog(options), store.models().models(job.account()));
    JobSummary summary = new BatchJob(spark, options, catalog, progress, budget.client()).run();
    List<UsageRow> usage =
        summary.usage().stream()
            .map(
                u ->
                    new UsageRow(
                        u.account(),
                        u.period(),
                        u.task(),
                        u.model(),
                        u.requests(),
                        u.computeSeconds()))
            .toList();
    double seconds = usage.stream().mapToDouble(UsageRow::computeSeconds).sum();
    Job.Outcome outcome =
        new Job.Outcome(output, summary.rows(), summary.ok(), summary.error(), seconds, null);
    // The same source as `usage import` of this output: importing it as well counts once.
    finish(
        job,
        lost,
        () ->
            queue()
                .succeed(
                    job.id(),
                    id,
                    outcome,
                    UsageLedger.runSource(summary.resultsPath(), summary.started()),
                    usage));
  }

  /**
   * What an unfinished job computed, as the driver's meter saw it: billed when it is cancelled or
   * fails.
   */
  private List<UsageRow> computed(Job job, BudgetServer budget) {
    String period = MonthlyLimit.period(clock.instant());
    List<UsageRow> rows = new ArrayList<>();
    budget
        .spent()
        .forEach(
            (task, byModel) ->
                byModel.forEach(
                    (model, spent) ->
                        rows.add(
                            new UsageRow(
                                job.account(),
                                period,
                                task.apiName(),
                                model,
                                spent.items(),
                                spent.computeMs() / 1000))));
    return rows;
  }

  /**
   * A failure as the client may read it: a mistake of theirs says what it is; anything else says
   * the job failed, without the server's paths, classes or stack (the worker's log has them).
   */
  private String clientMessage(Job job, Throwable failure) {
    return clientCause(failure)
        .map(cause -> withoutServerPaths(cause.getMessage()))
        .orElse(
            "the job failed on the worker ("
                + job.id()
                + "); the operator's worker log has the details");
  }

  /**
   * Whose a failure is: a model that could not be named, found or loaded; else the request, when a
   * mistake of the client's says what it is; else the server's.
   */
  static JobFailure failureOf(Throwable failure) {
    Optional<Throwable> cause = clientCause(failure);
    if (cause.isEmpty()) {
      return JobFailure.SERVER;
    }
    if (!(cause.get() instanceof ModelException model)) {
      return JobFailure.REQUEST;
    }
    return switch (model.kind()) {
      case UNKNOWN_MODEL, NOT_INSTALLED, LOAD_FAILED -> JobFailure.MODEL_UNAVAILABLE;
      case INFERENCE_FAILED, BAD_CATALOG -> JobFailure.SERVER;
    };
  }

  /**
   * The first cause that is a client's mistake saying what it is (a model's problem among them:
   * {@link ModelException} is a {@link UserError}); the message and the failure's kind both come
   * from it.
   */
  private static Optional<Throwable> clientCause(Throwable failure) {
    for (Throwable cause = failure;
        cause != null;
        cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof UserError || cause instanceof IllegalArgumentException) {
        return Optional.of(cause);
      }
    }
    return Optional.empty();
  }

  private String withoutServerPaths(String message) {
    String data = models.root().replaceAll("/models$", "");
    return message == null
        ? "the job failed"
        : message.replace("file:" + data + "/", "").replace(data + "/", "");
  }

  private static String output(JobSpec spec) {
    if (spec instanceof JobSpec.TaskCall call) {
      return call.output();
    }
    return ((JobSpec.Batch) spec).output();
  }

  /**
   * The batch job's options for a queued job: every line is billed to the job's account. A task
   * call runs as a one-line request file in one partition; the front door answers from its result.
   */
  private JobOptions options(Job job, String output) {
    JobSpec.Batch batch;
    int partitions = 0;
    if (job.spec() instanceof JobSpec.TaskCall call) {
      String request = writeRequest(job, call);
      batch = new JobSpec.Batch(request, output, DataFormat.JSONL, DataFormat.JSONL, null, false);
      partitions = 1;
    } else {
      JobSpec.Batch queued = (JobSpec.Batch) job.spec();
      batch =
          new JobSpec.Batch(
              queued.input(),
              output,
              queued.format(),
              queued.outputFormat(),
              queued.table(),
              queued.responses());
    }
    return JobOptions.builder(batch)
        .optAccount(job.account())
        .optFixedAccount(true)
        .optOverwrite(true)
        .optPartitions(partitions)
        .optModelStore(models.root())
        .optProgress(false)
        .build();
  }

  /**
   * A task call's request line, {@code {id, account, task, body}}, as a file beside its results.
   */
  private String writeRequest(Job job, JobSpec.TaskCall call) {
    String line =
        Json.MAPPER
            .createObjectNode()
            .put("id", job.id())
            .put("account", job.account())
            .put("task", call.task().apiName())
            .set("body", call.body())
            .toString();
    Path file = new Path(call.output(), "request.jsonl");
    try {
      FileSystem fs = file.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (OutputStream out = fs.create(file, true)) {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      }
      return fs.makeQualified(file).toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the request of " + job.id() + " to " + file, e);
    }
  }

  private void finish(Job job, AtomicBoolean lost, BooleanSupplier succeed) {
    if (!succeed.getAsBoolean()) {
      lost.set(true);
      LOG.warn(
          "job {} finished on worker {} after its lease went to another worker: not recorded",
          job.id(),
          id);
    }
  }

  /**
   * Renews the lease (every third of it, at least every 2 s) with the progress; cancels the Spark
   * work when the job is cancelled or the lease lost.
   */
  private void beat(
      Job job, AtomicLong done, AtomicLong total, AtomicBoolean lost, AtomicBoolean cancelled) {
    // Often enough to keep the lease, and to show progress while the job runs.
    long interval = Math.max(Math.min(lease.toMillis() / 3, 2000), 50);
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(interval);
      } catch (InterruptedException e) {
        return;
      }
      try {
        if (!queue().renew(job.id(), id, lease, done.get(), total.get())) {
          lost.set(true);
          cancel(job);
          return;
        }
        if (queue().job(job.id()).map(Job::cancelRequested).orElse(false)) {
          cancelled.set(true);
          cancel(job);
          return;
        }
      } catch (StoreException e) {
        LOG.warn("cannot renew the lease of job {}: {}", job.id(), e.getMessage());
      }
    }
  }

  /**
   * Stops the job's Spark work, if its session still runs: what runs now and what the job would
   * start next (cancelled between two Spark jobs, it would otherwise go on).
   */
  private void cancel(Job job) {
    if (!spark.sparkContext().isStopped()) {
      spark.sparkContext().cancelJobGroupAndFutureJobs(group(job));
    }
  }

  /** The Spark job group of one attempt: a later attempt on this worker is not pre-cancelled. */
  private static String group(Job job) {
    return job.id() + "@" + job.attempts();
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
