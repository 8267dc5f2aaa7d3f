package co.backprop.frontdoor.http;

import co.backprop.contract.job.Job;
import co.backprop.contract.job.JobSpec;
import co.backprop.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * Queueing jobs for the workers: ids, each job's folder (chosen by the server, inside its
 * account's), and waiting for a job to end.
 */
public final class JobQueue {
  private final Store store;
  private final Path jobs;
  private final int maxQueued;

  /**
   * @param jobs the folder of the server's job folders, {@code jobs/<account>/<job>/}
   * @param maxQueued jobs one account may have waiting
   */
  public JobQueue(Store store, Path jobs, int maxQueued) {
    this.store = store;
    this.jobs = jobs;
    this.maxQueued = maxQueued;
  }

  static String newId() {
    return "job_" + UUID.randomUUID().toString().replace("-", "");
  }

  /** The folder of a job's own files: its inline requests, its results by default. */
  Path folder(String account, String id) {
    return jobs.resolve(account).resolve(id);
  }

  String defaultOutput(String account, String id) {
    return folder(account, id).resolve("output").toString();
  }

  /** Writes inline request lines as the job's input file. */
  void writeRequests(String account, String id, List<String> lines) {
    Path input = folder(account, id).resolve("input.jsonl");
    try {
      Files.createDirectories(input.getParent());
      Files.write(input, lines);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the input of " + id, e);
    }
  }

  /**
   * Queues a job made from a request; a retry with the same idempotency key gets the first job, a
   * different request under a used key is refused.
   */
  Job enqueue(String id, String account, JobSpec spec, String idempotencyKey, String request) {
    return store
        .queue()
        .enqueue(new Job.New(id, account, spec, idempotencyKey, digest(request)), maxQueued);
  }

  /**
   * Queues a model's build, or returns the account's build of that model still waiting: a build
   * reads the newest upload when it starts, so uploading again and again queues one build, never
   * more builds than the account has models.
   */
  Job enqueueBuild(String account, String model) {
    return store
        .queue()
        .enqueueUnlessWaiting(
            new Job.New(newId(), account, new JobSpec.ModelBuild(model), null, null));
  }

  private static String digest(String request) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(request.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
