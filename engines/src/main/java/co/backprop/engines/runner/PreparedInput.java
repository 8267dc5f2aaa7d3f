package co.backprop.engines.runner;

/** A request made ready for a model (tokenised), with what batching and metering need. */
public interface PreparedInput {
  /** Tokens the model will see: the batching cost and the share of compute billed to the row. */
  int tokens();

  /** Whether the input was cut to the model's maximum length. */
  boolean truncated();
}
