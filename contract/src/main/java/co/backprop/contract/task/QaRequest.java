package co.backprop.contract.task;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The single body of qa; {@code prev_q}/{@code prev_a} carry the conversation so far. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QaRequest(
    String question,
    String context,
    @JsonProperty("prev_q") List<String> previousQuestions,
    @JsonProperty("prev_a") List<String> previousAnswers,
    String model)
    implements SingleRequest {
  public QaRequest {
    requireNonNull(question, "question is null");
    requireNonNull(context, "context is null");
    previousQuestions = previousQuestions == null ? null : List.copyOf(previousQuestions);
    previousAnswers = previousAnswers == null ? null : List.copyOf(previousAnswers);
  }
}
