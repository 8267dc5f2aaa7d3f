package co.backprop.contract.task;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/** The single body of text-generation: the prompt and the decoding parameters. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GenerationRequest(
    String text, @JsonUnwrapped GenerationParameters parameters, String model)
    implements SingleRequest {
  public GenerationRequest {
    requireNonNull(text, "text is null");
    requireNonNull(parameters, "parameters is null");
  }
}
