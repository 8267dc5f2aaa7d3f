package co.backprop.engines.runner;

import co.backprop.engines.generation.DecodingParameters;

/** A tokenised prompt (or source text) and how to decode from it. */
public record GenerationInput(long[] prompt, DecodingParameters parameters, boolean truncated)
    implements PreparedInput {
  /** What the request will cost: its prompt, and at most max_length tokens in each of its rows. */
  @Override
  public int tokens() {
    return prompt.length + parameters.maxLength() * parameters.rows();
  }
}
