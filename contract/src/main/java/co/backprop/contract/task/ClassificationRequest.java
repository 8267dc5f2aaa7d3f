package co.backprop.contract.task;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** The single body of text-classification: the caller's labels may differ from row to row. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClassificationRequest(String text, List<String> labels, String model)
    implements SingleRequest {
  public ClassificationRequest {
    requireNonNull(text, "text is null");
    labels = List.copyOf(requireNonNull(labels, "labels is null"));
  }
}
