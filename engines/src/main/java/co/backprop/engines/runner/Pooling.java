package co.backprop.engines.runner;

/** Sentence-transformers pooling of token vectors, in plain Java. */
public final class Pooling {
  private Pooling() {}

  /** Mean of the token vectors the attention mask keeps (padding excluded). */
  public static float[][] meanPool(float[] hiddenStates, TokenBatch batch, int hidden) {
    float[][] vectors = new float[batch.rows()][hidden];
    for (int row = 0; row < batch.rows(); row++) {
      float[] sum = vectors[row];
      int kept = 0;
      for (int token = 0; token < batch.length(); token++) {
        if (batch.attentionMask()[row * batch.length() + token] == 0) {
          continue;
        }
        kept++;
        int offset = (row * batch.length() + token) * hidden;
        for (int i = 0; i < hidden; i++) {
          sum[i] += hiddenStates[offset + i];
        }
      }
      float scale = 1f / Math.max(kept, 1);
      for (int i = 0; i < hidden; i++) {
        sum[i] *= scale;
      }
    }
    return vectors;
  }

  public static void l2Normalise(float[] vector) {
    double squares = 0;
    for (float value : vector) {
      squares += (double) value * value;
    }
    float scale = (float) (1 / Math.max(Math.sqrt(squares), 1e-12));
    for (int i = 0; i < vector.length; i++) {
      vector[i] *= scale;
    }
  }
}
