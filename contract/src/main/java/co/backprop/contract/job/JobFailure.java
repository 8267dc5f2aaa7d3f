package co.backprop.contract.job;

import java.util.Arrays;
import java.util.Locale;

/**
 * Whose a failed job's failure is: what the front door answers a task call that ran as a job and
 * failed (400, 503 or 500), where the message alone would have to be read.
 */
public enum JobFailure {
  /** The request: a field, a table, a grant. The client's to fix (400). */
  REQUEST,
  /**
   * The model could not be found or loaded when the job ran: for a task call the front door had
   * cleared, it was replaced or deleted in between (503, worth a retry).
   */
  MODEL_UNAVAILABLE,
  /** The worker or the cluster: the operator's (500). */
  SERVER;

  /** {@code request}, {@code model_unavailable}, {@code server}: how the store spells it. */
  public String storeName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static JobFailure fromStoreName(String name) {
    return Arrays.stream(values())
        .filter(failure -> failure.storeName().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown job failure '" + name + "'"));
  }
}
