package co.backprop.engines.generation;

import java.util.Arrays;

/**
 * One row's tokens in order of decreasing score (ties: the lower id first), with their sampling
 * weights {@code exp((score - max) / temperature)}, sorted only as far as they are read.
 *
 * <p>Sorting the whole vocabulary at every step of every sampled row cost ~14 ms for GPT-2's 50,257
 * tokens: at batch 16, six times the forward pass. Instead the tokens are dealt into buckets 1/16
 * of a unit of {@code (max - score) / temperature} wide (a weight ratio of e^-1/16 each), and a
 * bucket is sorted when a reader first reaches it. A draw, a top-k cut or a top-p nucleus usually
 * stays in the first buckets, whatever the vocabulary's size.
 */
final class RankedTokens {
  /** Buckets per unit of (max - score) / temperature. */
  private static final int BUCKETS_PER_UNIT = 16;

  /** Beyond this many units the weight is below e^-40 ≈ 4e-18: one last bucket holds them all. */
  private static final int UNITS = 40;

  private static final int BUCKETS = UNITS * BUCKETS_PER_UNIT + 1;

  private final double[] scores;
  private final double max;
  private final double temperature;

  /** Token ids grouped by bucket, each bucket's ids ascending until it is sorted by score. */
  private final int[] order;

  /** Where each bucket starts in {@link #order}; {@code starts[BUCKETS]} is the vocabulary size. */
  private final int[] starts = new int[BUCKETS + 1];

  /** Weights in {@link #order}'s order, valid for the sorted buckets. */
  private final double[] weights;

  private final boolean[] sorted = new boolean[BUCKETS];

  /** Each bucket's sum of weights in id order, once computed (NaN before). */
  private final double[] bucketSums = new double[BUCKETS];

  RankedTokens(double[] scores, double temperature) {
    this.scores = scores;
    this.temperature = temperature;
    double highest = Double.NEGATIVE_INFINITY;
    for (double score : scores) {
      highest = Math.max(highest, score);
    }
    this.max = highest;
    int[] buckets = new int[scores.length];
    int[] counts = new int[BUCKETS];
    for (int token = 0; token < scores.length; token++) {
      buckets[token] = bucket(scores[token]);
      counts[buckets[token]]++;
    }
    for (int b = 0; b < BUCKETS; b++) {
      starts[b + 1] = starts[b] + counts[b];
    }
    int[] next = Arrays.copyOf(starts, BUCKETS);
    order = new int[scores.length];
    for (int token = 0; token < scores.length; token++) {
      order[next[buckets[token]]++] = token;
    }
    weights = new double[scores.length];
    Arrays.fill(bucketSums, Double.NaN);
  }

  /** Monotone in the score: a higher score never lands in a later bucket. */
  private int bucket(double score) {
    double units = (max - score) / temperature;
    return units < UNITS ? (int) (units * BUCKETS_PER_UNIT) : BUCKETS - 1;
  }

  int size() {
    return order.length;
  }

  /** The token at this rank (0: the highest score). */
  int token(int rank) {
    sortBucketOf(rank);
    return order[rank];
  }

  /** The sampling weight of the token at this rank. */
  double weight(int rank) {
    sortBucketOf(rank);
    return weights[rank];
  }

  /** The weights of ranks 0..count-1 summed in rank order. */
  double sumOfFirst(int count) {
    double sum = 0;
    for (int rank = 0; rank < count; rank++) {
      sum += weight(rank);
    }
    return sum;
  }

  /**
   * The first rank below {@code limit} at which the running sum of weights in rank order passes
   * {@code draw}; {@code limit - 1} if none does. Whole buckets the draw passes are skipped by
   * their sums (added in id order, so a draw within rounding of a bucket's edge may fall either
   * side).
   */
  int rankWhereSumPasses(double draw, int limit) {
    double running = 0;
    int rank = 0;
    for (int b = 0; b < BUCKETS && rank < limit; b++) {
      int end = Math.min(starts[b + 1], limit);
      if (!sorted[b] && end == starts[b + 1]) {
        double bucketSum = unsortedSum(b);
        if (running + bucketSum <= draw) {
          running += bucketSum;
          rank = end;
          continue;
        }
      }
      for (; rank < end; rank++) {
        running += weight(rank);
        if (draw < running) {
          return rank;
        }
      }
    }
    return limit - 1;
  }

  /** Every weight, the sorted buckets' in rank order and the others' in id order. */
  double total() {
    double sum = 0;
    for (int b = 0; b < BUCKETS; b++) {
      if (sorted[b]) {
        for (int rank = starts[b]; rank < starts[b + 1]; rank++) {
          sum += weights[rank];
        }
      } else {
        sum += unsortedSum(b);
      }
    }
    return sum;
  }

  private double unsortedSum(int bucket) {
    if (Double.isNaN(bucketSums[bucket])) {
      double sum = 0;
      for (int rank = starts[bucket]; rank < starts[bucket + 1]; rank++) {
        sum += weightOf(order[rank]);
      }
      bucketSums[bucket] = sum;
    }
    return bucketSums[bucket];
  }

  private double weightOf(int token) {
    return Math.exp((scores[token] - max) / temperature);
  }

  /** Sorts the bucket that holds this rank, if it is not yet. */
  private void sortBucketOf(int rank) {
    int low = 0;
    int high = BUCKETS - 1;
    while (low < high) { // the last bucket starting at or before the rank: the one holding it
      int middle = (low + high + 1) >>> 1;
      if (starts[middle] <= rank) {
        low = middle;
      } else {
        high = middle - 1;
      }
    }
    if (!sorted[low]) {
      sortBucket(low);
      sorted[low] = true;
    }
  }

  /** Sorts one bucket by decreasing score; its ids are ascending, and ties keep that order. */
  private void sortBucket(int bucket) {
    int from = starts[bucket];
    int to = starts[bucket + 1];
    if (!sortAsFloats(from, to)) {
      Integer[] tokens = new Integer[to - from];
      for (int i = 0; i < tokens.length; i++) {
        tokens[i] = order[from + i];
      }
      Arrays.sort(tokens, (a, b) -> Double.compare(scores[b], scores[a]));
      for (int i = 0; i < tokens.length; i++) {
        order[from + i] = tokens[i];
      }
    }
    for (int rank = from; rank < to; rank++) {
      weights[rank] = weightOf(order[rank]);
    }
  }

  /**
   * Sorts by a primitive key, (score, id) in one long, when every score is a float (a model's
   * logits; a repetition penalty's quotients are not): the same order as comparing the doubles.
   */
  private boolean sortAsFloats(int from, int to) {
    long[] keys = new long[to - from];
    for (int i = 0; i < keys.length; i++) {
      int token = order[from + i];
      float score = (float) scores[token];
      if (score != scores[token]) {
        return false; // not a float, or NaN
      }
      int bits = Float.floatToRawIntBits(-score); // ascending order of -score: descending score
      int ordered = bits ^ ((bits >> 31) & 0x7fffffff);
      keys[i] = ((long) ordered << 32) | token;
    }
    Arrays.sort(keys);
    for (int i = 0; i < keys.length; i++) {
      order[from + i] = (int) keys[i];
    }
    return true;
  }
}
