package co.backprop.engines.generation;

import java.util.Random;

/**
 * Turning one row's next-token logits into a choice, as the API's parameters say: repetition
 * penalty and minimum length first, then greedy choice, or temperature, top-k, top-p and a draw.
 */
final class TokenChoice {
  private TokenChoice() {}

  /**
   * Repetition penalty (CTRL): a token already in the text has its logit divided by the penalty
   * when positive, multiplied when negative. Minimum length: no end-of-sequence before it.
   */
  static double[] penalised(
      float[] logits, long[] seen, int generated, DecodingParameters parameters, int eos) {
    double[] scores = new double[logits.length];
    for (int i = 0; i < logits.length; i++) {
      scores[i] = logits[i];
    }
    if (parameters.repetitionPenalty() != 1.0) {
      boolean[] penalised = new boolean[logits.length];
      for (long token : seen) {
        int t = (int) token;
        if (t >= 0 && t < scores.length && !penalised[t]) {
          penalised[t] = true;
          scores[t] =
              scores[t] > 0
                  ? scores[t] / parameters.repetitionPenalty()
                  : scores[t] * parameters.repetitionPenalty();
        }
      }
    }
    if (eos >= 0 && generated < parameters.minLength()) {
      scores[eos] = Double.NEGATIVE_INFINITY;
    }
    return scores;
  }

  /**
   * The greedy choice, {@code argmax(penalised(...))}, without copying the logits when no
   * repetition penalty applies: only the held-back end-of-sequence token differs from them.
   */
  static int greedy(
      float[] logits, long[] seen, int generated, DecodingParameters parameters, int eos) {
    if (parameters.repetitionPenalty() != 1.0) {
      return argmax(penalised(logits, seen, generated, parameters, eos));
    }
    int blocked = eos >= 0 && generated < parameters.minLength() ? eos : -1;
    int best = 0;
    float bestScore = blocked == 0 ? Float.NEGATIVE_INFINITY : logits[0];
    for (int i = 1; i < logits.length; i++) {
      if (i != blocked && logits[i] > bestScore) {
        best = i;
        bestScore = logits[i];
      }
    }
    return best;
  }

  static int argmax(double[] scores) {
    int best = 0;
    for (int i = 1; i < scores.length; i++) {
      if (scores[i] > scores[best]) {
        best = i;
      }
    }
    return best;
  }

  /**
   * Samples from softmax(scores / temperature) restricted to the top-k tokens and then to the
   * smallest set whose probability reaches top-p. The draw is one {@code random.nextDouble()}: the
   * first token, in order of decreasing probability, where the running sum passes it.
   */
  static int sample(double[] scores, DecodingParameters parameters, Random random) {
    RankedTokens ranked = new RankedTokens(scores, parameters.temperature());
    boolean topK = parameters.topK() > 0;
    int kept = topK ? Math.min(parameters.topK(), ranked.size()) : ranked.size();
    double sum = topK ? ranked.sumOfFirst(kept) : ranked.total();
    if (parameters.topP() < 1.0) {
      double running = 0;
      for (int rank = 0; rank < kept; rank++) {
        running += ranked.weight(rank) / sum;
        if (running >= parameters.topP()) {
          kept = rank + 1;
          break;
        }
      }
      sum = ranked.sumOfFirst(kept);
    }
    return ranked.token(ranked.rankWhereSumPasses(random.nextDouble() * sum, kept));
  }

  static double[] logSoftmax(double[] scores) {
    double max = Double.NEGATIVE_INFINITY;
    for (double score : scores) {
      max = Math.max(max, score);
    }
    double sum = 0;
    for (double score : scores) {
      sum += Math.exp(score - max);
    }
    double log = max + Math.log(sum);
    double[] result = new double[scores.length];
    for (int i = 0; i < scores.length; i++) {
      result[i] = scores[i] - log;
    }
    return result;
  }
}
