package co.backprop.contract.task;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a runner answers for one single request: the value of the response field of the task ({@code
 * vector}, {@code probabilities}, {@code answer} or {@code output}).
 */
public sealed interface TaskOutput
    permits TaskOutput.Vector,
        TaskOutput.Probabilities,
        TaskOutput.Answer,
        TaskOutput.Text,
        TaskOutput.Texts {

  JsonNode toJson();

  /** A sentence embedding. float32, as the model computes it. */
  record Vector(float[] values) implements TaskOutput {
    @Override
    public JsonNode toJson() {
      return Json.MAPPER.valueToTree(values);
    }
  }

  /** Label → probability, in the order of the caller's labels. */
  record Probabilities(java.util.Map<String, Double> values) implements TaskOutput {
    public Probabilities {
      values = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
    }

    @Override
    public JsonNode toJson() {
      return Json.MAPPER.valueToTree(values);
    }
  }

  record Answer(String value) implements TaskOutput {
    @Override
    public JsonNode toJson() {
      return Json.MAPPER.getNodeFactory().textNode(value);
    }
  }

  /** Generated text, a summary, or comma-separated emotions. */
  record Text(String value) implements TaskOutput {
    @Override
    public JsonNode toJson() {
      return Json.MAPPER.getNodeFactory().textNode(value);
    }
  }

  /** Several generations of one input (num_generations > 1), in order. */
  record Texts(java.util.List<String> values) implements TaskOutput {
    public Texts {
      values = java.util.List.copyOf(values);
    }

    @Override
    public JsonNode toJson() {
      return Json.MAPPER.valueToTree(values);
    }
  }
}
