package co.backprop.contract.serving;

import static java.util.Objects.requireNonNull;

import co.backprop.contract.task.Task;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One call of a task endpoint, as the front door hands it to a serving process: the body was
 * checked and the account's limit and model were cleared already.
 *
 * @param upload the folder of the account's upload the front door cleared the call for, or null
 *     when the call runs on a global model: a serving process that knows another (an earlier upload
 *     of the same name) reads the account's uploads again
 * @param deadlineMillis epoch milliseconds after which the front door no longer waits: a call not
 *     started by then is answered {@link ServingAnswer.Status#BUSY} without running
 */
public record ServingCall(
    String account, Task task, JsonNode body, String upload, long deadlineMillis) {
  public ServingCall {
    requireNonNull(account, "account is null");
    requireNonNull(task, "task is null");
    requireNonNull(body, "body is null");
  }
}
