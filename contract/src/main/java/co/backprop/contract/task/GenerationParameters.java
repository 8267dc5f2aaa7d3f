package co.backprop.contract.task;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The decoding parameters of text-generation, exactly as the seed names them, plus {@code seed} (an
 * extension: where sampling starts, so a job is reproducible). A null field was not given; the
 * generation runner applies its documented default.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GenerationParameters(
    @JsonProperty("min_length") Integer minLength,
    @JsonProperty("max_length") Integer maxLength,
    @JsonProperty("temperature") Double temperature,
    @JsonProperty("top_k") Integer topK,
    @JsonProperty("top_p") Double topP,
    @JsonProperty("repetition_penalty") Double repetitionPenalty,
    @JsonProperty("length_penalty") Double lengthPenalty,
    @JsonProperty("num_beams") Integer numBeams,
    @JsonProperty("num_generations") Integer numGenerations,
    @JsonProperty("seed") Long seed) {

  /** These parameters with a seed, unless they already have one. */
  public GenerationParameters withDefaultSeed(long defaultSeed) {
    return seed != null
        ? this
        : new GenerationParameters(
            minLength,
            maxLength,
            temperature,
            topK,
            topP,
            repetitionPenalty,
            lengthPenalty,
            numBeams,
            numGenerations,
            defaultSeed);
  }
}
