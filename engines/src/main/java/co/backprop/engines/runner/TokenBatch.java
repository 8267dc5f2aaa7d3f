package co.backprop.engines.runner;

import java.util.List;

/**
 * A micro-batch of tokenised texts, right-padded to its longest member: row-major {@code [rows,
 * length]} arrays as ONNX models take them (int64).
 */
public record TokenBatch(
    int rows, int length, long[] inputIds, long[] attentionMask, long[] typeIds) {

  public static TokenBatch pad(List<EncodedText> texts) {
    int length = 0;
    for (EncodedText text : texts) {
      length = Math.max(length, text.tokens());
    }
    int rows = texts.size();
    long[] ids = new long[rows * length];
    long[] mask = new long[rows * length];
    long[] types = new long[rows * length];
    for (int row = 0; row < rows; row++) {
      EncodedText text = texts.get(row);
      int offset = row * length;
      System.arraycopy(text.ids(), 0, ids, offset, text.tokens());
      System.arraycopy(text.typeIds(), 0, types, offset, text.tokens());
      java.util.Arrays.fill(mask, offset, offset + text.tokens(), 1L);
    }
    return new TokenBatch(rows, length, ids, mask, types);
  }
}
