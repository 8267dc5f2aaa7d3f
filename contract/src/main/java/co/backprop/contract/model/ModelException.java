package co.backprop.contract.model;

import co.backprop.contract.UserError;

/** A model that cannot be named, found, loaded or run. The message says what to do about it. */
public final class ModelException extends RuntimeException implements UserError {
  public enum Kind {
    /** The catalog has no model of that name for the task. */
    UNKNOWN_MODEL,
    /** The catalog knows the model but its files are not where it says. */
    NOT_INSTALLED,
    /** The files are there but the engine could not load them. */
    LOAD_FAILED,
    /** The engine failed while running a batch. */
    INFERENCE_FAILED,
    /** The catalog itself cannot be read. */
    BAD_CATALOG
  }

  private final Kind kind;

  public ModelException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public ModelException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
