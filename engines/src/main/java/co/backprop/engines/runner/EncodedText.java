package co.backprop.engines.runner;

/** One tokenised text: ids and type ids without padding. */
public record EncodedText(long[] ids, long[] typeIds, boolean truncated) implements PreparedInput {
  @Override
  public int tokens() {
    return ids.length;
  }
}
