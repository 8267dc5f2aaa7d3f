package co.backprop.store;

/** An account is at one of its caps (jobs waiting, open upload URLs): nothing was added. */
public final class CapReachedException extends RuntimeException {
  private CapReachedException(String message) {
    super(message);
  }

  static CapReachedException queuedJobs(String account, int queued) {
    return new CapReachedException(
        account
            + " has "
            + queued
            + " jobs waiting, the most an account may have queued; submit more when some have"
            + " started");
  }

  static CapReachedException openUploads(String account, int open) {
    return new CapReachedException(
        account
            + " has "
            + open
            + " unused upload URLs, the most an account may hold; use them or let them expire"
            + " (after an hour)");
  }
}
