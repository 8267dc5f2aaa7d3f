package co.backprop.jobs.worker;

import co.backprop.contract.task.Json;
import co.backprop.contract.task.Task;
import co.backprop.jobs.JobOptions;
import co.backprop.jobs.input.InputFormat;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings a queued job carries in the store (as the front door wrote them) turned into the
 * batch job's options: {@code task}, {@code model}, {@code map}, {@code set}, {@code id_col},
 * {@code account}, {@code format}, {@code output_format}; request files also get their responses.
 */
final class JobSettings {
  private JobSettings() {}

  /**
   * @param kind {@code task} (one request line from a task endpoint: one partition, the front door
   *     assembles the response itself) or {@code batch}
   */
  static JobOptions options(String kind, String settingsJson, String account, String input, String output, String modelStore) {
    JsonNode settings;
    try {
      settings = Json.MAPPER.readTree(settingsJson);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("the job's settings are not JSON: " + settingsJson, e);
    }
    Task task = settings.hasNonNull("task") ? Task.fromApiName(settings.get("task").asText()) : null;
    JobOptions.Builder builder =
        JobOptions.builder(input, output)
            .optTask(task)
            .optModel(text(settings, "model"))
            .optFieldColumns(strings(settings.get("map")))
            .optConstantFields(jsonValues(settings.get("set")))
            .optIdColumn(text(settings, "id_col"))
            .optAccount(account)
            .optOverwrite(true)
            .optModelStore(modelStore)
            .optResponses(task == null && !kind.equals("task"))
            .optPartitions(kind.equals("task") ? 1 : 0)
            .optFixedAccount(true)
            .optProgress(false);
    if (settings.hasNonNull("format")) {
      builder.optFormat(InputFormat.fromName(settings.get("format").asText()));
    }
    builder.optOutputFormat(InputFormat.fromName(settings.path("output_format").asText("jsonl")));
    return builder.build();
  }

  private static String text(JsonNode settings, String field) {
    return settings.hasNonNull(field) ? settings.get(field).asText() : null;
  }

  private static Map<String, String> strings(JsonNode object) {
    Map<String, String> values = new LinkedHashMap<>();
    if (object != null && object.isObject()) {
      object.fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue().asText()));
    }
    return values;
  }

  private static Map<String, String> jsonValues(JsonNode object) {
    Map<String, String> values = new LinkedHashMap<>();
    if (object != null && object.isObject()) {
      object.fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue().toString()));
    }
    return values;
  }
}
