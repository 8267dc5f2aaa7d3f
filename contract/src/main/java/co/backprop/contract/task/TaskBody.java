package co.backprop.contract.task;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Function;

/**
 * A parsed Backprop API body: single variant (one item) or batch variant (the exploded items, in
 * order). {@link #toJson()} reassembles the body the caller sent.
 */
public record TaskBody(Task task, boolean batch, List<BodyItem> items) {
  public TaskBody {
    requireNonNull(task, "task is null");
    items = List.copyOf(requireNonNull(items, "items is null"));
    if (!batch && items.size() != 1) {
      throw new IllegalArgumentException("a single-variant body has exactly one item");
    }
  }

  /** Throws the first item's error: for callers (HTTP) that reject a body as a whole. */
  public TaskBody requireAllValid() {
    for (BodyItem item : items) {
      if (!item.isValid()) {
        throw item.error();
      }
    }
    return this;
  }

  public List<SingleRequest> requests() {
    return requireAllValid().items.stream().map(BodyItem::request).toList();
  }

  /** The body as the API writes it: the single record, or the batch lists rebuilt from items. */
  public JsonNode toJson() {
    List<SingleRequest> requests = requests();
    if (!batch) {
      return Json.MAPPER.valueToTree(requests.get(0));
    }
    ObjectNode body = Json.MAPPER.createObjectNode();
    SingleRequest first = requests.get(0);
    if (first instanceof TextRequest) {
      body.set("text", list(requests, r -> ((TextRequest) r).text()));
    } else if (first instanceof ClassificationRequest) {
      body.set("text", list(requests, r -> ((ClassificationRequest) r).text()));
      body.set("labels", list(requests, r -> ((ClassificationRequest) r).labels()));
    } else if (first instanceof QaRequest qa) {
      body.set("question", list(requests, r -> ((QaRequest) r).question()));
      body.set("context", list(requests, r -> ((QaRequest) r).context()));
      if (qa.previousQuestions() != null) {
        body.set("prev_q", list(requests, r -> ((QaRequest) r).previousQuestions()));
      }
      if (qa.previousAnswers() != null) {
        body.set("prev_a", list(requests, r -> ((QaRequest) r).previousAnswers()));
      }
    } else if (first instanceof GenerationRequest generation) {
      body.set("text", list(requests, r -> ((GenerationRequest) r).text()));
      body.setAll((ObjectNode) Json.MAPPER.valueToTree(generation.parameters()));
    } else {
      throw new IllegalStateException(task + " has no batch variant");
    }
    if (first.model() != null) {
      body.put("model", first.model());
    }
    return body;
  }

  private static ArrayNode list(List<SingleRequest> requests, Function<SingleRequest, ?> field) {
    ArrayNode array = Json.MAPPER.createArrayNode();
    requests.forEach(request -> array.add(Json.MAPPER.valueToTree(field.apply(request))));
    return array;
  }
}
