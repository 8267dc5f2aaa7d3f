package co.backprop.engines.pipeline;

import java.io.Serializable;

/**
 * How a partition is cut into work.
 *
 * @param tokenBudget padded tokens (rows × longest row) one micro-batch may hold
 * @param maxBatchRows rows one micro-batch may hold, however short
 * @param windowRows input rows sorted together by length; bounds the memory a partition holds
 */
public record BatchPolicy(int tokenBudget, int maxBatchRows, int windowRows)
    implements Serializable {
  public static final BatchPolicy DEFAULT = new BatchPolicy(4096, 64, 2048);

  public BatchPolicy {
    if (tokenBudget < 1 || maxBatchRows < 1 || windowRows < 1) {
      throw new IllegalArgumentException(
          "tokenBudget, maxBatchRows and windowRows must be 1 or more but got "
              + tokenBudget
              + ", "
              + maxBatchRows
              + ", "
              + windowRows);
    }
  }
}
