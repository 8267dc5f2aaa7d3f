package co.backprop.store;

/**
 * An idempotency key reused for a different request: neither run again nor silently answered with
 * the other job.
 */
public final class IdempotencyConflictException extends RuntimeException {
  IdempotencyConflictException(String key, String jobId) {
    super(
        "Idempotency-Key '"
            + key
            + "' was used for a different request (job "
            + jobId
            + "); use a new key for a new request");
  }
}
