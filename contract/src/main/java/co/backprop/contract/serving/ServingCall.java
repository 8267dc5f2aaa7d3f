package co.backprop.contract.serving;

import static java.util.Objects.requireNonNull;

import co.backprop.contract.task.Task;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One call of a task endpoint, as the front door hands it to a serving process: the body was
 * checked and the account's limit and model were cleared already.
 *
 * @param deadlineMillis epoch milliseconds after which the front door no longer waits: a call not
 *     started by then is answered {@link ServingAnswer.Status#BUSY} without running
 */
public record ServingCall(String account, Task task, JsonNode body, long deadlineMillis) {
  public ServingCall {
    requireNonNull(account, "account is null");
    requireNonNull(task, "task is null");
    requireNonNull(body, "body is null");
  }
}
