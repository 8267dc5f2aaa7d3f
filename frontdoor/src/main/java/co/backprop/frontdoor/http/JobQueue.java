package co.backprop.frontdoor.http;

import co.backprop.contract.job.Job;
import co.backprop.contract.job.JobSpec;
import co.backprop.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Queueing jobs for the workers: ids, the job's folder for what the front door writes, and waiting
 * for an end.
 */
public final class JobQueue {
  private final Store store;
  private final Path jobs;

  public JobQueue(Store store, Path jobs) {
    this.store = store;
    this.jobs = jobs;
  }

  static String newId() {
    return "job_" + UUID.randomUUID().toString().replace("-", "");
  }

  /** The folder of a job's own files: its inline requests, its results by default. */
  Path folder(String id) {
    return jobs.resolve(id);
  }

  String defaultOutput(String id) {
    return folder(id).resolve("output").toString();
  }

  /** Writes inline request lines as the job's input file and returns where. */
  String writeRequests(String id, List<String> lines) {
    Path input = folder(id).resolve("input.jsonl");
    try {
      Files.createDirectories(input.getParent());
      Files.write(input, lines);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the input of " + id, e);
    }
    return input.toString();
  }

  Job enqueue(String id, String account, JobSpec spec, String idempotencyKey) {
    return store.queue().enqueue(new Job.New(id, account, spec, idempotencyKey));
  }

  /** Polls the store until the job finishes or the time is up; empty when still unfinished. */
  Optional<Job> awaitFinished(String id, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      Job job = store.queue().job(id).orElseThrow();
      if (job.finished()) {
        return Optional.of(job);
      }
      if (System.nanoTime() > deadline) {
        return Optional.empty();
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
  }
}
