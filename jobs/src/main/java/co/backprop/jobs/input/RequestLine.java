package co.backprop.jobs.input;

import co.backprop.contract.task.BodyItem;
import co.backprop.contract.task.InvalidRequestException;
import co.backprop.contract.task.Json;
import co.backprop.contract.task.Task;
import co.backprop.contract.task.TaskBody;
import co.backprop.contract.task.TaskBodyParser;
import co.backprop.engines.pipeline.PendingItem;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * One line of a request file: {@code {"id", "account", "task", "model", "body"}} where {@code body}
 * is a Backprop API body of that task, single or batch variant. A line that cannot be read keeps
 * its line number and the reason, and becomes an error row.
 *
 * @param line 1-based line number in the input
 * @param model the model name asked for (line, body or the task's default)
 * @param error why the line as a whole cannot run, or null
 */
public record RequestLine(
    long line, String id, String account, Task task, String model, TaskBody body, String error) {

  private static final Set<String> FIELDS = Set.of("id", "account", "task", "model", "body");

  public static RequestLine read(long line, String text, String defaultAccount) {
    return read(line, text, defaultAccount, false);
  }

  /**
   * @param fixedAccount whether every line must be billed to {@code defaultAccount}
   */
  public static RequestLine read(
      long line, String text, String defaultAccount, boolean fixedAccount) {
    JsonNode json;
    try {
      json = Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      return failed(
          line,
          null,
          defaultAccount,
          null,
          "line " + line + ": not valid JSON: " + e.getOriginalMessage());
    }
    if (json == null || !json.isObject()) {
      return failed(
          line,
          null,
          defaultAccount,
          null,
          "line "
              + line
              + ": must be a JSON object {id, account, task, model, body} but got "
              + Json.describe(json));
    }
    String id = null;
    String account = defaultAccount;
    Task task = null;
    try {
      for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!FIELDS.contains(name)) {
          throw new InvalidRequestException(
              name,
              "is not a field of a request line; allowed fields: id, account, task, model, body");
        }
      }
      id = id(json.get("id"));
      account = optionalString(json, "account", defaultAccount);
      if (fixedAccount && !account.equals(defaultAccount)) {
        String named = account;
        account = defaultAccount;
        throw new InvalidRequestException(
            "account",
            "this job's requests are billed to '"
                + defaultAccount
                + "'; the line names '"
                + named
                + "'");
      }
      task = task(json.get("task"));
      String lineModel = optionalString(json, "model", null);
      JsonNode body = json.get("body");
      if (body == null || body.isNull()) {
        throw new InvalidRequestException("body", "is required");
      }
      String bodyModel = body.path("model").isTextual() ? body.get("model").textValue() : null;
      if (lineModel != null && bodyModel != null && !lineModel.equals(bodyModel)) {
        throw new InvalidRequestException(
            "model", "the line names '" + lineModel + "' but its body names '" + bodyModel + "'");
      }
      TaskBody parsed = TaskBodyParser.parse(task, body);
      String model =
          bodyModel != null ? bodyModel : lineModel != null ? lineModel : task.defaultModel();
      return new RequestLine(line, id, account, task, model, parsed, null);
    } catch (InvalidRequestException e) {
      return failed(line, id, account, task, e.getMessage());
    } catch (RuntimeException e) {
      return failed(
          line, id, account, task, "line " + line + ": could not be read: " + e.getMessage());
    }
  }

  private static RequestLine failed(long line, String id, String account, Task task, String error) {
    return new RequestLine(line, id, account, task, null, null, error);
  }

  /** Whether the body is a batch variant: its items then carry an index. */
  public boolean batch() {
    return body != null && body.batch();
  }

  /** One pending item per body item; every item fails alike when the line or its model does. */
  public List<PendingItem> items(JobPlan plan) {
    if (error != null) {
      return List.of(PendingItem.invalid(task, model, error));
    }
    if (plan.model(task, model) == null) {
      return List.of(PendingItem.invalid(task, model, plan.unknownModelMessage(task, model)));
    }
    List<PendingItem> items = new ArrayList<>(body.items().size());
    for (BodyItem item : body.items()) {
      items.add(
          item.isValid()
              ? PendingItem.valid(task, model, item.request())
              : PendingItem.invalid(task, model, item.error().getMessage()));
    }
    return items;
  }

  private static String id(JsonNode node) {
    if (node == null || node.isNull()) {
      throw new InvalidRequestException("id", "is required");
    }
    if (node.isTextual() && !node.textValue().isEmpty()) {
      return node.textValue();
    }
    if (node.isIntegralNumber()) {
      return node.asText();
    }
    throw new InvalidRequestException(
        "id", "must be a non-empty string or an integer but got " + Json.describe(node));
  }

  private static Task task(JsonNode node) {
    if (node == null || node.isNull()) {
      throw new InvalidRequestException("task", "is required");
    }
    if (!node.isTextual()) {
      throw new InvalidRequestException("task", "must be a string but got " + Json.describe(node));
    }
    try {
      return Task.fromApiName(node.textValue());
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException("task", e.getMessage());
    }
  }

  private static String optionalString(JsonNode json, String field, String defaultValue) {
    JsonNode node = json.get(field);
    if (node == null || node.isNull()) {
      return defaultValue;
    }
    if (!node.isTextual() || node.textValue().isBlank()) {
      throw new InvalidRequestException(
          field, "must be a non-empty string but got " + Json.describe(node));
    }
    return node.textValue();
  }
}
