package co.backprop.engines.generation;

/**
 * A next-token model as the decoder sees it. A {@link Session} holds a batch of sequences (rows):
 * it gives each row's next-token logits, can drop and reorder rows (finished sequences, beams), and
 * extends every row by one token.
 */
public interface LanguageModel {
  /** The end-of-sequence token, or -1 when the model has none. */
  int eosToken();

  /** Reads the prompts (one row each) and returns the session positioned after them. */
  Session start(java.util.List<long[]> prompts);

  interface Session extends AutoCloseable {
    /** The next-token logits of every row: {@code [rows][vocabulary]}. */
    float[][] logits();

    /** Keeps the rows at these indices, in this order (an index may repeat: beams fork). */
    void select(int[] rows);

    /** Appends one token to every row and runs the model for it. */
    void append(long[] tokens);

    @Override
    void close();
  }
}
