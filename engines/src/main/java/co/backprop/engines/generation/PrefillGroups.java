package co.backprop.engines.generation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * How a decoding batch reads its prompts: in groups of similar length, each padded only to its own
 * longest prompt, when the padding that saves outweighs the extra forward passes. One 50-token
 * prompt among fifteen of 15 tokens otherwise pads the whole batch to 50: 800 prompt tokens read
 * where 275 are real.
 */
final class PrefillGroups {
  /**
   * What one more forward pass costs, in prompt tokens. A pass streams every weight once, and on a
   * CPU that takes as long as about 2 × (FLOP/s) / (bytes/s) tokens of arithmetic — 25 to 30 for
   * fp32 here, whatever the model's size.
   */
  static final int PASS_COST_TOKENS = 32;

  private PrefillGroups() {}

  /**
   * The rows (indices into {@code lengths}) of each group, shortest prompts first; one group of
   * every row, in order, when splitting saves nothing.
   */
  static List<int[]> of(int[] lengths) {
    int rows = lengths.length;
    int[] byLength =
        IntStream.range(0, rows)
            .boxed()
            .sorted(Comparator.comparingInt((Integer row) -> lengths[row]))
            .mapToInt(Integer::intValue)
            .toArray();
    // cost[j]: the least cost of reading the j shortest prompts; start[j]: where its last group
    // starts. A group costs its rows × its longest prompt, plus one pass.
    long[] cost = new long[rows + 1];
    int[] start = new int[rows + 1];
    for (int end = 1; end <= rows; end++) {
      cost[end] = Long.MAX_VALUE;
      long longest = lengths[byLength[end - 1]];
      for (int first = 0; first < end; first++) {
        if (cost[first] == Long.MAX_VALUE || (longest == 0 && end < rows)) {
          continue; // no way to get there, or a group of empty prompts: a pass over nothing
        }
        long candidate = cost[first] + (end - first) * longest + PASS_COST_TOKENS;
        if (candidate < cost[end]) {
          cost[end] = candidate;
          start[end] = first;
        }
      }
    }
    List<int[]> groups = new ArrayList<>();
    for (int end = rows; end > 0; end = start[end]) {
      groups.add(0, Arrays.copyOfRange(byLength, start[end], end));
    }
    if (groups.size() <= 1) {
      return List.of(IntStream.range(0, rows).toArray());
    }
    return groups;
  }
}
