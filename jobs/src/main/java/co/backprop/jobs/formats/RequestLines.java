package co.backprop.jobs.formats;

import co.backprop.common.pipeline.CompletedRow;
import co.backprop.common.pipeline.ItemResult;
import co.backprop.common.pipeline.PendingRow;
import co.backprop.common.task.Json;
import co.backprop.jobs.JobPlan;
import co.backprop.jobs.input.RequestLine;
import co.backprop.jobs.output.ResultColumns;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import co.backprop.common.task.Task;
import co.backprop.common.task.TaskOutput;
import co.backprop.common.task.TaskResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A request file: each line one request of any task. Each item comes out as one line {@code {id,
 * index, line, account, task, status, error, <response field>, model, device, compute_ms,
 * truncated}}; {@code index} is the item's place in a batch body (null for a single body).
 */
public final class RequestLines implements LineFormat<RequestLine> {
  public static final List<String> KEY_COLUMNS = List.of("id", "index", "line", "account", "task");

  /**
   * The API response of one request line, reassembled from its items' result lines (any order):
   * {@code {id, line, account, task, status, error, response, model, compute_ms}}. A line with an
   * error item is an error, as the API answers 400 for such a body.
   */
  public static String response(Iterable<String> itemLines) {
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
    JsonNode failed = items.stream().filter(item -> !item.path(ResultColumns.STATUS).asText().equals("ok")).findFirst().orElse(null);
    response.put(ResultColumns.STATUS, failed == null ? "ok" : "error");
    response.set(ResultColumns.ERROR, failed == null ? response.nullNode() : failed.get(ResultColumns.ERROR));
    if (failed == null) {
      Task task = Task.fromApiName(first.get("task").asText());
      List<TaskOutput> outputs = new ArrayList<>();
      for (JsonNode item : items) {
        outputs.add(TaskResponse.outputOf(task, item.get(task.responseField())));
      }
      response.set("response", new TaskResponse(task, !first.path("index").isNull(), outputs).toJson());
    } else {
      response.putNull("response");
    }
    response.set(ResultColumns.MODEL, first.get(ResultColumns.MODEL));
    response.put(ResultColumns.COMPUTE_MS, items.stream().mapToDouble(item -> item.path(ResultColumns.COMPUTE_MS).asDouble()).sum());
    return response.toString();
  }

  @Override
  public PendingRow<RequestLine> read(long line, String text, JobPlan plan) {
    RequestLine request = RequestLine.read(line, text, plan.defaultAccount(), plan.fixedAccount());
    return new PendingRow<>(request, request.items(plan));
  }

  @Override
  public List<String> write(CompletedRow<RequestLine> row, JobPlan plan) {
    RequestLine request = row.carrier();
    List<String> lines = new ArrayList<>(row.results().size());
    for (int index = 0; index < row.results().size(); index++) {
      ItemResult result = row.results().get(index);
      ObjectNode output = Json.MAPPER.createObjectNode();
      output.put("id", request.id());
      if (request.batch() && row.results().size() == request.body().items().size()) {
        output.put("index", index);
      } else {
        output.putNull("index");
      }
      output.put("line", request.line());
      output.put("account", request.account());
      output.put("task", request.task() == null ? null : request.task().apiName());
      ResultColumns.put(output, request.task(), result);
      lines.add(output.toString());
    }
    return lines;
  }
}
