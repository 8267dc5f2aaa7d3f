package co.backprop.engines.runner;

/** A tokenised text and the labels it is scored against: the input of the classifying kinds. */
public record LabelledText(EncodedText text, LabelScores labels) implements PreparedInput {
  @Override
  public int tokens() {
    return text.tokens();
  }

  @Override
  public boolean truncated() {
    return text.truncated();
  }
}
