package co.backprop.contract.task;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Backprop API response: one output (single variant) or the outputs of a batch body's items in
 * order, written with the seed's field names.
 */
public record TaskResponse(Task task, boolean batch, List<TaskOutput> outputs) {
  public TaskResponse {
    requireNonNull(task, "task is null");
    outputs = List.copyOf(requireNonNull(outputs, "outputs is null"));
    if (!batch && outputs.size() != 1) {
      throw new IllegalArgumentException("a single-variant response has exactly one output");
    }
  }

  public JsonNode toJson() {
    ObjectNode response = Json.MAPPER.createObjectNode();
    if (!batch) {
      response.set(task.responseField(), outputs.get(0).toJson());
      return response;
    }
    ArrayNode values = response.putArray(task.batchResponseField());
    outputs.forEach(output -> values.add(output.toJson()));
    return response;
  }

  /** Reads a response written by {@link #toJson()} (or by the Backprop API). */
  public static TaskResponse parse(Task task, JsonNode response) {
    if (response == null || !response.isObject()) {
      throw new InvalidRequestException(
          "response", "must be a JSON object but got " + Json.describe(response));
    }
    boolean batch =
        task == Task.TEXT_VECTORISATION
            ? response.has(task.batchResponseField())
            : response.path(task.responseField()).isArray();
    JsonNode value = response.get(batch ? task.batchResponseField() : task.responseField());
    if (value == null) {
      throw new InvalidRequestException(task.responseField(), "is required");
    }
    if (!batch) {
      return new TaskResponse(task, false, List.of(output(task, task.responseField(), value)));
    }
    List<TaskOutput> outputs = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      outputs.add(output(task, task.batchResponseField() + "[" + i + "]", value.get(i)));
    }
    return new TaskResponse(task, true, outputs);
  }

  /** One item's output from the value of its response field (a list: several generations). */
  public static TaskOutput outputOf(Task task, JsonNode value) {
    if (task == Task.TEXT_GENERATION && value != null && value.isArray()) {
      java.util.List<String> texts = new ArrayList<>();
      for (int i = 0; i < value.size(); i++) {
        texts.add(text(task.responseField() + "[" + i + "]", value.get(i)));
      }
      return new TaskOutput.Texts(texts);
    }
    return output(task, task.responseField(), value);
  }

  private static TaskOutput output(Task task, String field, JsonNode value) {
    switch (task) {
      case TEXT_VECTORISATION -> {
        if (!value.isArray()) {
          throw new InvalidRequestException(
              field, "must be a list of numbers but got " + Json.describe(value));
        }
        float[] vector = new float[value.size()];
        for (int i = 0; i < vector.length; i++) {
          vector[i] = (float) value.get(i).asDouble();
        }
        return new TaskOutput.Vector(vector);
      }
      case TEXT_CLASSIFICATION, IMAGE_CLASSIFICATION -> {
        if (!value.isObject()) {
          throw new InvalidRequestException(
              field, "must be an object but got " + Json.describe(value));
        }
        Map<String, Double> probabilities = new LinkedHashMap<>();
        value
            .fields()
            .forEachRemaining(
                entry -> probabilities.put(entry.getKey(), entry.getValue().asDouble()));
        return new TaskOutput.Probabilities(probabilities);
      }
      case QA -> {
        return new TaskOutput.Answer(text(field, value));
      }
      default -> {
        return new TaskOutput.Text(text(field, value));
      }
    }
  }

  private static String text(String field, JsonNode value) {
    if (!value.isTextual()) {
      throw new InvalidRequestException(field, "must be a string but got " + Json.describe(value));
    }
    return value.textValue();
  }
}
