package co.backprop.contract.task;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The seven Backprop API tasks, named as their endpoints are. */
public enum Task {
  TEXT_VECTORISATION("text-vectorisation", "english", "vector", "vectorList"),
  QA("qa", "english", "answer", "answer"),
  TEXT_CLASSIFICATION("text-classification", "english", "probabilities", "probabilities"),
  IMAGE_CLASSIFICATION("image-classification", "english", "probabilities", null),
  TEXT_GENERATION("text-generation", "gpt2-large", "output", "output"),
  SUMMARISATION("summarisation", "english", "output", "output"),
  EMOTION("emotion", "english", "output", "output");

  private final String apiName;
  private final String defaultModel;
  private final String responseField;
  private final String batchResponseField;

  Task(String apiName, String defaultModel, String responseField, String batchResponseField) {
    this.apiName = apiName;
    this.defaultModel = defaultModel;
    this.responseField = responseField;
    this.batchResponseField = batchResponseField;
  }

  /** The field of the single-variant response: {@code vector}, {@code answer}, ... */
  public String responseField() {
    return responseField;
  }

  /** The field of the batch-variant response ({@code vectorList} for vectorisation). */
  public String batchResponseField() {
    if (batchResponseField == null) {
      throw new IllegalStateException(apiName + " has no batch variant");
    }
    return batchResponseField;
  }

  /** The name used in the API path and in request files, e.g. {@code text-vectorisation}. */
  @JsonValue
  public String apiName() {
    return apiName;
  }

  /** The model used when a body names none (the seed documents these as the first option). */
  public String defaultModel() {
    return defaultModel;
  }

  @JsonCreator
  public static Task fromApiName(String name) {
    for (Task task : values()) {
      if (task.apiName.equals(name)) {
        return task;
      }
    }
    throw new IllegalArgumentException(
        "unknown task '" + name + "'; known tasks: " + allApiNames());
  }

  public static String allApiNames() {
    return Arrays.stream(values()).map(Task::apiName).collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return apiName;
  }
}
