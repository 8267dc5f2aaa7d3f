package co.backprop.contract.job;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A job as the store knows it: who asked, what for, and how far it got.
 *
 * @param results the output folder of the attempt that finished the job, once it has
 * @param total input rows, once known; {@code done} how many are done so far
 * @param failure whose the failure is: set exactly when the job failed
 * @param worker the worker holding (or last holding) the job
 */
public record Job(
    String id,
    String account,
    JobSpec spec,
    JobStatus status,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    int attempts,
    long total,
    long done,
    long ok,
    long error,
    double computeSeconds,
    String message,
    JobFailure failure,
    String worker,
    boolean cancelRequested,
    String results) {

  public Job {
    requireNonNull(id, "id is null");
    requireNonNull(account, "account is null");
    requireNonNull(spec, "spec is null");
    requireNonNull(status, "status is null");
    requireNonNull(createdAt, "createdAt is null");
    if ((status == JobStatus.FAILED) != (failure != null)) {
      throw new IllegalArgumentException(
          "a failed job, and only a failed one, says whose failure it was; got "
              + status
              + " with "
              + failure);
    }
  }

  public boolean finished() {
    return status.finished();
  }

  /**
   * A job to queue.
   *
   * @param idempotencyKey the client's key for retries of the same request, or null
   * @param requestHash a digest of the request the job was made from: a retry under the same key
   *     must carry the same one
   */
  public record New(
      String id, String account, JobSpec spec, String idempotencyKey, String requestHash) {
    public New {
      requireNonNull(id, "id is null");
      requireNonNull(account, "account is null");
      requireNonNull(spec, "spec is null");
    }

    public New(String id, String account, JobSpec spec, String idempotencyKey) {
      this(id, account, spec, idempotencyKey, null);
    }
  }

  /**
   * What a finished job reports.
   *
   * @param results where the results are, or null when it wrote none
   */
  public record Outcome(
      String results, long total, long ok, long error, double computeSeconds, String message) {
    public static Outcome message(String message) {
      return new Outcome(null, 0, 0, 0, 0, message);
    }
  }
}
