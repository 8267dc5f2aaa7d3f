package co.backprop.contract.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reassembles the API response of one request line from the result lines of its items (a batch body
 * has one per item, with its {@code index}). Used by jobs (responses/) and by the front door.
 */
public final class ItemResponses {
  private ItemResponses() {}

  /**
   * The API response of one request line, reassembled from its items' result lines (any order):
   * {@code {id, line, account, task, status, error, response, model, compute_ms}}. A line with an
   * error item is an error, as the API answers 400 for such a body.
   */
  public static String assemble(Iterable<String> itemLines) {
    List<JsonNode> items = new ArrayList<>();
    for (String line : itemLines) {
      try {
        items.add(Json.MAPPER.readTree(line));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("a result line is not JSON: " + line, e);
      }
    }
    items.sort(Comparator.comparingInt(item -> item.path("index").asInt(-1)));
    JsonNode first = items.get(0);
    ObjectNode response = Json.MAPPER.createObjectNode();
    for (String key : List.of("id", "line", "account", "task")) {
      response.set(key, first.get(key));
    }
    JsonNode failed =
        items.stream()
            .filter(item -> !item.path("status").asText().equals("ok"))
            .findFirst()
            .orElse(null);
    response.put("status", failed == null ? "ok" : "error");
    response.set("error", failed == null ? response.nullNode() : failed.get("error"));
    if (failed == null) {
      Task task = Task.fromApiName(first.get("task").asText());
      List<TaskOutput> outputs = new ArrayList<>();
      for (JsonNode item : items) {
        outputs.add(TaskResponse.outputOf(task, item.get(task.responseField())));
      }
      response.set(
          "response", new TaskResponse(task, !first.path("index").isNull(), outputs).toJson());
    } else {
      response.putNull("response");
    }
    response.set("model", first.get("model"));
    response.put(
        "compute_ms", items.stream().mapToDouble(item -> item.path("compute_ms").asDouble()).sum());
    return response.toString();
  }
}
