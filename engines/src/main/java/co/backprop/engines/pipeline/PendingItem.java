package co.backprop.engines.pipeline;

import static java.util.Objects.requireNonNull;

import co.backprop.contract.task.SingleRequest;
import co.backprop.contract.task.Task;

/**
 * One single request waiting for its model, or an item already known to be bad (it then flows
 * through as an error row, so nothing is lost).
 *
 * @param model the model name the row asked for, defaults applied
 */
public record PendingItem(Task task, String model, SingleRequest request, String error) {
  public PendingItem {
    if ((request == null) == (error == null)) {
      throw new IllegalArgumentException("exactly one of request and error must be set");
    }
  }

  public static PendingItem valid(Task task, String model, SingleRequest request) {
    return new PendingItem(
        requireNonNull(task, "task is null"),
        requireNonNull(model, "model is null"),
        request,
        null);
  }

  /** A bad item; task and model may be null when the row did not get that far. */
  public static PendingItem invalid(Task task, String model, String error) {
    return new PendingItem(task, model, null, requireNonNull(error, "error is null"));
  }

  public boolean isValid() {
    return request != null;
  }
}
