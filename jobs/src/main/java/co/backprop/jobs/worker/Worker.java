package co.backprop.jobs.worker;

import co.backprop.contract.model.ModelCatalog;
import co.backprop.contract.model.ModelStore;
import co.backprop.store.JobRecord;
import co.backprop.store.JobStore;
import co.backprop.contract.usage.UsageRow;
import co.backprop.contract.model.UserModels;
import co.backprop.jobs.BatchJob;
import co.backprop.jobs.JobOptions;
import co.backprop.jobs.JobSummary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A long-running Spark driver that takes jobs from the store one at a time: it claims a job with a
 * lease, renews the lease while the job runs (recording progress), cancels the job's Spark work
 * when the job is cancelled or the lease is lost, and finishes the job — with its usage, once —
 * only while it still holds the lease. Models stay loaded between jobs.
 */
public final class Worker implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(Worker.class);

  private final SparkSession spark;
  private final JobStore store;
  private final ModelStore models;
  private final String id;
  private final Duration lease;
  private final Duration poll;
  private final AtomicBoolean stopped = new AtomicBoolean();

  public Worker(SparkSession spark, JobStore store, ModelStore models, String id, Duration lease, Duration poll) {
    this.spark = spark;
    this.store = store;
    this.models = models;
    this.id = id;
    this.lease = lease;
    this.poll = poll;
  }

  public void stop() {
    stopped.set(true);
  }

  @Override
  public void run() {
    LOG.info("worker {} waiting for jobs", id);
    while (!stopped.get()) {
      Optional<JobRecord> claimed;
      try {
        claimed = store.claim(id, lease);
      } catch (JobStore.StoreException e) {
        LOG.warn("cannot reach the job store: {}", e.getMessage());
        claimed = Optional.empty();
      }
      if (claimed.isPresent()) {
        process(claimed.get());
      } else {
        sleep(poll);
      }
    }
  }

  /** Runs one claimed job to its end: succeeded, failed, cancelled, or lost to another worker. */
  void process(JobRecord job) {
    LOG.info("worker {} runs job {} ({}, attempt {})", id, job.id(), job.kind(), job.attempts());
    AtomicLong done = new AtomicLong();
    AtomicLong total = new AtomicLong();
    AtomicBoolean lost = new AtomicBoolean();
    AtomicBoolean cancelled = new AtomicBoolean();
    Thread heartbeat = new Thread(() -> beat(job, done, total, lost, cancelled), "backprop-lease-" + job.id());
    heartbeat.setDaemon(true);
    heartbeat.start();
    try {
      spark.sparkContext().setJobGroup(job.id(), "backprop job " + job.id(), true);
      if (job.kind().equals("build")) {
        String message = new ModelBuild(store, models).build(job);
        finish(job, lost, () -> store.succeed(job.id(), id, new JobRecord.Outcome(null, 0, 0, 0, 0, message), "build:" + job.id(), List.of()));
      } else {
        runBatch(job, (rows, of) -> {
          done.set(rows);
          total.set(of);
        }, lost);
      }
    } catch (Exception | Error e) { // Spark throws its checked SparkException unannounced
      if (cancelled.get()) {
        store.cancelled(job.id(), id);
        LOG.info("job {} cancelled", job.id());
      } else if (!lost.get()) {
        LOG.warn("job {} failed", job.id(), e);
        store.fail(job.id(), id, rootMessage(e));
      }
    } finally {
      spark.sparkContext().clearJobGroup();
      heartbeat.interrupt();
    }
  }

  private void runBatch(JobRecord job, co.backprop.jobs.spark.ProgressReporter.Sink progress, AtomicBoolean lost) {
    // Each attempt writes its own folder: a worker that lost its lease cannot overwrite the winner.
    String output = Path.of(job.output()).resolve("attempt-" + job.attempts()).toString();
    JobOptions options = JobSettings.options(job.kind(), job.options(), job.account(), job.input(), output, models.root().toString());
    ModelCatalog catalog = UserModels.catalog(BatchJob.catalog(options), store.models(job.account()));
    JobSummary summary = new BatchJob(spark, options, catalog, progress).run();
    List<UsageRow> usage =
        summary.usage().stream()
            .map(u -> new UsageRow(u.account(), u.period(), u.task(), u.model(), u.requests(), u.computeSeconds()))
            .toList();
    double seconds = usage.stream().mapToDouble(UsageRow::computeSeconds).sum();
    JobRecord.Outcome outcome = new JobRecord.Outcome(output, summary.rows(), summary.ok(), summary.error(), seconds, null);
    // The same source as `usage import` of this output: importing it as well counts once.
    finish(job, lost, () -> store.succeed(job.id(), id, outcome, JobStore.runSource(summary.resultsPath(), summary.started()), usage));
  }

  private void finish(JobRecord job, AtomicBoolean lost, java.util.function.BooleanSupplier succeed) {
    if (!succeed.getAsBoolean()) {
      lost.set(true);
      LOG.warn("job {} finished on worker {} after its lease went to another worker: not recorded", job.id(), id);
    }
  }

  /** Renews the lease every third of it; cancels the Spark work when cancelled or when lost. */
  private void beat(JobRecord job, AtomicLong done, AtomicLong total, AtomicBoolean lost, AtomicBoolean cancelled) {
    long interval = Math.max(lease.toMillis() / 3, 50);
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(interval);
      } catch (InterruptedException e) {
        return;
      }
      try {
        if (!store.renew(job.id(), id, lease, done.get(), total.get())) {
          lost.set(true);
          spark.sparkContext().cancelJobGroup(job.id());
          return;
        }
        if (store.job(job.id()).map(JobRecord::cancelRequested).orElse(false)) {
          cancelled.set(true);
          spark.sparkContext().cancelJobGroup(job.id());
          return;
        }
      } catch (JobStore.StoreException e) {
        LOG.warn("cannot renew the lease of job {}: {}", job.id(), e.getMessage());
      }
    }
  }

  private static String rootMessage(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = error.getMessage();
    return message != null && !message.isBlank() ? message : String.valueOf(root);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
