package co.backprop.contract.model;

import co.backprop.contract.task.Task;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/** How a model is run; one runner per kind. */
public enum ModelKind {
  SENTENCE_EMBEDDING("sentence-embedding", Task.TEXT_VECTORISATION),
  ZERO_SHOT_EMBEDDING("zero-shot-embedding", Task.TEXT_CLASSIFICATION, Task.EMOTION),
  NLI_ZERO_SHOT("nli-zero-shot", Task.TEXT_CLASSIFICATION, Task.EMOTION),
  SEQUENCE_CLASSIFICATION("sequence-classification", Task.TEXT_CLASSIFICATION, Task.EMOTION),
  EXTRACTIVE_QA("extractive-qa", Task.QA),
  EXTRACTIVE_SUMMARY("extractive-summary", Task.SUMMARISATION),
  CAUSAL_LM("causal-lm", Task.TEXT_GENERATION),
  SEQ2SEQ("seq2seq", Task.TEXT_GENERATION, Task.SUMMARISATION),
  CLIP("clip", Task.IMAGE_CLASSIFICATION);

  private final String catalogName;
  private final Set<Task> tasks;

  ModelKind(String catalogName, Task... tasks) {
    this.catalogName = catalogName;
    this.tasks = Set.of(tasks);
  }

  /** The tasks a model of this kind can answer. */
  public Set<Task> tasks() {
    return tasks;
  }

  @JsonValue
  public String catalogName() {
    return catalogName;
  }

  @JsonCreator
  public static ModelKind fromCatalogName(String name) {
    for (ModelKind kind : values()) {
      if (kind.catalogName.equals(name)) {
        return kind;
      }
    }
    throw new IllegalArgumentException(
        "unknown model kind '"
            + name
            + "'; known kinds: "
            + Arrays.stream(values())
                .map(ModelKind::catalogName)
                .collect(Collectors.joining(", ")));
  }

  @Override
  public String toString() {
    return catalogName;
  }
}
