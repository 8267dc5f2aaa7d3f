package co.backprop.contract.task;

import static java.util.Objects.requireNonNull;

import co.backprop.contract.UserError;

/**
 * A body (or one item of a batch body) that does not match its task's schema. The message always
 * starts with the field it is about, e.g. {@code labels: must be a non-empty list of strings}.
 */
public final class InvalidRequestException extends RuntimeException implements UserError {
  private final String field;

  public InvalidRequestException(String field, String problem) {
    super(
        requireNonNull(field, "field is null") + ": " + requireNonNull(problem, "problem is null"));
    this.field = field;
  }

  /** The field named by the message; {@code text[2]} for an item of a batch. */
  public String field() {
    return field;
  }
}
