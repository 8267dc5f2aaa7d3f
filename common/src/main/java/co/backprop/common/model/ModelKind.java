package co.backprop.common.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/** How a model is run; one runner per kind. */
public enum ModelKind {
  SENTENCE_EMBEDDING("sentence-embedding"),
  ZERO_SHOT_EMBEDDING("zero-shot-embedding"),
  NLI_ZERO_SHOT("nli-zero-shot"),
  SEQUENCE_CLASSIFICATION("sequence-classification"),
  EXTRACTIVE_QA("extractive-qa"),
  CAUSAL_LM("causal-lm"),
  SEQ2SEQ("seq2seq"),
  CLIP("clip");

  private final String catalogName;

  ModelKind(String catalogName) {
    this.catalogName = catalogName;
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
            + Arrays.stream(values()).map(ModelKind::catalogName).collect(Collectors.joining(", ")));
  }

  @Override
  public String toString() {
    return catalogName;
  }
}
