package co.backprop.jobs.worker;

import co.backprop.contract.job.DataFormat;
import co.backprop.contract.job.Job;
import co.backprop.contract.job.JobSpec;
import co.backprop.contract.model.ModelCatalog;
import co.backprop.contract.model.ModelStore;
import co.backprop.contract.model.UserModels;
import co.backprop.contract.task.Json;
import co.backprop.contract.usage.UsageRow;
import co.backprop.jobs.BatchJob;
import co.backprop.jobs.JobOptions;
import co.backprop.jobs.JobSummary;
import co.backprop.jobs.spark.ProgressReporter;
import co.backprop.store.JobQueue;
import co.backprop.store.Store;
import co.backprop.store.StoreException;
import co.backprop.store.UsageLedger;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
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
  private final Store store;
  private final ModelStore models;
  private final String id;
  private final Duration lease;
  private final Duration poll;
  private final AtomicBoolean stopped = new AtomicBoolean();

  public Worker(
      SparkSession spark,
      Store store,
      ModelStore models,
      String id,
      Duration lease,
      Duration poll) {
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
      Optional<Job> claimed;
      try {
        claimed = queue().claim(id, lease);
      } catch (StoreException e) {
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

  private JobQueue queue() {
    return store.queue();
  }

  /** Runs one claimed job to its end: succeeded, failed, cancelled, or lost to another worker. */
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
    try {
      spark.sparkContext().setJobGroup(job.id(), "backprop job " + job.id(), true);
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
        runBatch(
            job,
            (rows, of) -> {
              done.set(rows);
              total.set(of);
            },
            lost);
      }
    } catch (Exception | Error e) { // Spark throws its checked SparkException unannounced
      if (cancelled.get()) {
        queue().cancelled(job.id(), id);
        LOG.info("job {} cancelled", job.id());
      } else if (!lost.get()) {
        LOG.warn("job {} failed", job.id(), e);
        queue().fail(job.id(), id, rootMessage(e));
      }
    } finally {
      spark.sparkContext().clearJobGroup();
      heartbeat.interrupt();
    }
  }

  private void runBatch(Job job, ProgressReporter.Sink progress, AtomicBoolean lost) {
    // Each attempt writes its own folder: a worker that lost its lease cannot overwrite the winner.
    String output = new Path(output(job.spec()), "attempt-" + job.attempts()).toString();
    JobOptions options = options(job, output);
    ModelCatalog catalog =
        UserModels.catalog(BatchJob.catalog(options), store.models().models(job.account()));
    JobSummary summary = new BatchJob(spark, options, catalog, progress).run();
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

  /** Renews the lease every third of it; cancels the Spark work when cancelled or when lost. */
  private void beat(
      Job job, AtomicLong done, AtomicLong total, AtomicBoolean lost, AtomicBoolean cancelled) {
    long interval = Math.max(lease.toMillis() / 3, 50);
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(interval);
      } catch (InterruptedException e) {
        return;
      }
      try {
        if (!queue().renew(job.id(), id, lease, done.get(), total.get())) {
          lost.set(true);
          spark.sparkContext().cancelJobGroup(job.id());
          return;
        }
        if (queue().job(job.id()).map(Job::cancelRequested).orElse(false)) {
          cancelled.set(true);
          spark.sparkContext().cancelJobGroup(job.id());
          return;
        }
      } catch (StoreException e) {
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
