package co.backprop.engines.pipeline;

import java.util.ArrayList;
import java.util.List;

/** Cuts length-sorted inputs into micro-batches that fit a {@link BatchPolicy}. */
public final class MicroBatches {
  private MicroBatches() {}

  /**
   * Batch boundaries for inputs sorted by ascending token count: each batch holds at most {@code
   * maxBatchRows} rows and rows × longest ≤ {@code tokenBudget}; an input longer than the budget
   * gets a batch of its own.
   *
   * @return the exclusive end index of each batch
   */
  public static List<Integer> cut(int[] sortedTokens, BatchPolicy policy) {
    List<Integer> ends = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < sortedTokens.length; i++) {
      int rows = i - start + 1;
      boolean fits =
          rows <= policy.maxBatchRows() && (long) rows * sortedTokens[i] <= policy.tokenBudget();
      if (!fits && i > start) {
        ends.add(i);
        start = i;
      }
    }
    if (start < sortedTokens.length) {
      ends.add(sortedTokens.length);
    }
    return ends;
  }
}
