package co.backprop.frontdoor.tenancy;

import static java.util.Objects.requireNonNull;

/** A request an account may not make as asked; the message is the client's to read. */
public final class Refused extends RuntimeException {
  /** Why: the front door answers each with its own status. */
  public enum Reason {
    /** Malformed: fix the request (400). */
    INVALID,
    /** Not this account's to use, whether or not it exists (403). */
    FORBIDDEN,
    /** A limit of the account is reached (429). */
    LIMIT
  }

  private final Reason reason;

  Refused(Reason reason, String message) {
    super(requireNonNull(message, "message is null"));
    this.reason = requireNonNull(reason, "reason is null");
  }

  public Reason reason() {
    return reason;
  }
}
