package co.backprop.contract.task;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code {text, model}}: the single body of text-vectorisation, summarisation and emotion. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TextRequest(String text, String model) implements SingleRequest {
  public TextRequest {
    requireNonNull(text, "text is null");
  }
}
