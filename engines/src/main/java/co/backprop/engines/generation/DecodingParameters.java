package co.backprop.engines.generation;

import co.backprop.contract.task.GenerationParameters;
import co.backprop.contract.task.InvalidRequestException;

/**
 * The decoding parameters of the API with their defaults applied and checked together.
 *
 * @param minLength tokens generated before the end-of-sequence token is allowed
 * @param maxLength tokens generated at most
 * @param temperature 0 decodes greedily (deterministic); above 0 samples
 * @param topK sample among the k most likely tokens; 0 means all
 * @param topP sample among the most likely tokens whose probabilities add up to p
 * @param repetitionPenalty above 1 makes tokens already in the text less likely (CTRL-style)
 * @param lengthPenalty beam search ranks hypotheses by total log-probability / length^lengthPenalty
 * @param numBeams beam search with this many beams (1: none)
 * @param numGenerations outputs per input
 * @param seed where sampling starts, for reproducible jobs
 */
public record DecodingParameters(
    int minLength,
    int maxLength,
    double temperature,
    int topK,
    double topP,
    double repetitionPenalty,
    double lengthPenalty,
    int numBeams,
    int numGenerations,
    long seed) {

  public static final int DEFAULT_MAX_LENGTH = 20;

  public static DecodingParameters of(GenerationParameters given, int maxLengthLimit) {
    DecodingParameters parameters =
        new DecodingParameters(
            orDefault(given.minLength(), 0),
            orDefault(given.maxLength(), DEFAULT_MAX_LENGTH),
            given.temperature() == null ? 1.0 : given.temperature(),
            orDefault(given.topK(), 0),
            given.topP() == null ? 1.0 : given.topP(),
            given.repetitionPenalty() == null ? 1.0 : given.repetitionPenalty(),
            given.lengthPenalty() == null ? 1.0 : given.lengthPenalty(),
            orDefault(given.numBeams(), 1),
            orDefault(given.numGenerations(), 1),
            given.seed() == null ? 0 : given.seed());
    if (parameters.maxLength() > maxLengthLimit) {
      throw new InvalidRequestException(
          "max_length",
          "must be at most "
              + maxLengthLimit
              + " for this model and prompt but got "
              + parameters.maxLength());
    }
    if (parameters.minLength() > parameters.maxLength()) {
      throw new InvalidRequestException(
          "min_length",
          "must not exceed max_length ("
              + parameters.minLength()
              + " > "
              + parameters.maxLength()
              + ")");
    }
    if (parameters.numBeams() > 1 && parameters.numGenerations() > parameters.numBeams()) {
      throw new InvalidRequestException(
          "num_generations",
          "must not exceed num_beams with beam search ("
              + parameters.numGenerations()
              + " > "
              + parameters.numBeams()
              + ")");
    }
    if (parameters.greedy() && parameters.numGenerations() > 1) {
      throw new InvalidRequestException(
          "num_generations",
          "must be 1 with temperature 0 (greedy decoding has one answer); sample (temperature > 0)"
              + " or use num_beams");
    }
    return parameters;
  }

  private static int orDefault(Integer value, int defaultValue) {
    return value == null ? defaultValue : value;
  }

  public boolean beamSearch() {
    return numBeams > 1;
  }

  public boolean greedy() {
    return !beamSearch() && temperature == 0;
  }

  /** Rows this request takes in a decoding session: its beams, or its generations. */
  public int rows() {
    return beamSearch() ? numBeams : numGenerations;
  }
}
