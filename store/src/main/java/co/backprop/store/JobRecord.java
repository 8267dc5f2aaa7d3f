package co.backprop.store;

import java.util.Map;

/**
 * One job of the store: a synchronous task call, a batch job over an input, or the build of an
 * uploaded model.
 *
 * @param kind {@code task}, {@code batch} or {@code build}
 * @param options the job's settings as JSON (task, model, mapping, formats, ...)
 * @param output where the results are (for a finished job, the attempt that completed it)
 * @param status queued, running, succeeded, failed or cancelled
 * @param done input rows done so far; {@code total} once known
 */
public record JobRecord(
    String id,
    String account,
    String kind,
    String options,
    String input,
    String output,
    String status,
    String createdAt,
    String startedAt,
    String finishedAt,
    int attempts,
    long total,
    long done,
    long ok,
    long error,
    double computeSeconds,
    String message,
    String worker,
    boolean cancelRequested) {

  public static final String QUEUED = "queued";
  public static final String RUNNING = "running";
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";
  public static final String CANCELLED = "cancelled";

  public boolean finished() {
    return status.equals(SUCCEEDED) || status.equals(FAILED) || status.equals(CANCELLED);
  }

  /** What a finished job reports. */
  public record Outcome(String output, long total, long ok, long error, double computeSeconds, String message) {}

  /** A new job: its id, owner, kind, settings and paths. */
  public record NewJob(String id, String account, String kind, Map<String, Object> options, String input, String output, String idempotencyKey) {}
}
