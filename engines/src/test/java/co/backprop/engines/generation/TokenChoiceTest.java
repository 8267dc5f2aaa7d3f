package co.backprop.engines.generation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TokenChoiceTest {
  /**
   * The sampler as the API defines it, by sorting the whole vocabulary: the draw is the first
   * token, in order of decreasing score (ties: lower id), where the running sum of the kept
   * probabilities passes {@code nextDouble() * sum}.
   */
  private static int sampledBySortingEverything(
      double[] scores, DecodingParameters parameters, Random random) {
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
    int kept = parameters.topK() > 0 ? Math.min(parameters.topK(), order.length) : order.length;
    double max = scores[order[0]];
    double[] probabilities = new double[kept];
    double sum = 0;
    for (int i = 0; i < kept; i++) {
      probabilities[i] = Math.exp((scores[order[i]] - max) / parameters.temperature());
      sum += probabilities[i];
    }
    if (parameters.topP() < 1.0) {
      double running = 0;
      for (int i = 0; i < kept; i++) {
        running += probabilities[i] / sum;
        if (running >= parameters.topP()) {
          kept = i + 1;
          break;
        }
      }
      sum = 0;
      for (int i = 0; i < kept; i++) {
        sum += probabilities[i];
      }
    }
    double draw = random.nextDouble() * sum;
    double running = 0;
    for (int i = 0; i < kept; i++) {
      running += probabilities[i];
      if (draw < running) {
        return order[i];
      }
    }
    return order[kept - 1];
  }

  private static DecodingParameters sampling(double temperature, int topK, double topP) {
    return new DecodingParameters(0, 20, temperature, topK, topP, 1.0, 1.0, 1, 1, 0);
  }

  /** Logits with the shapes samplers meet: peaked, flat, tied, blocked (-inf), widely spread. */
  private static double[] scores(Random random, int vocabulary, int shape) {
    double[] scores = new double[vocabulary];
    for (int i = 0; i < vocabulary; i++) {
      scores[i] =
          switch (shape) {
            case 0 -> random.nextGaussian() * 3; // a real model's spread
            case 1 -> random.nextGaussian() * 0.05; // nearly flat: draws go deep into the tail
            case 2 -> random.nextInt(4); // many exact ties
            case 3 -> random.nextGaussian() * 40; // most weights far below e^-40
            default -> (float) random.nextGaussian(); // float logits, as a model gives them
          };
    }
    if (shape == 2 || shape == 4) {
      scores[random.nextInt(vocabulary)] = Double.NEGATIVE_INFINITY; // end-of-text held back
    }
    return scores;
  }

  @Test
  void drawsTheSameTokenAsSortingTheWholeVocabulary() {
    Random data = new Random(7);
    double[] temperatures = {1.0, 2.5, 0.01};
    int[] topKs = {0, 1, 40, 5000};
    double[] topPs = {1.0, 0.9, 0.5};
    int compared = 0;
    for (int vocabulary : new int[] {1, 3, 50, 2000, 50_257}) {
      for (int shape = 0; shape < 5; shape++) {
        double[] scores = scores(data, vocabulary, shape);
        for (double temperature : temperatures) {
          if (vocabulary > 2000 && temperature != 1.0) {
            continue; // the full sort is slow at GPT-2's size; the smaller ones try temperatures
          }
          for (int topK : topKs) {
            for (double topP : topPs) {
              DecodingParameters parameters = sampling(temperature, topK, topP);
              long seed = data.nextLong();
              int expected = sampledBySortingEverything(scores, parameters, new Random(seed));
              int drawn = TokenChoice.sample(scores, parameters, new Random(seed));
              assertThat(drawn)
                  .as(
                      "vocabulary %d, shape %d, temperature %s, top_k %d, top_p %s",
                      vocabulary, shape, temperature, topK, topP)
                  .isEqualTo(expected);
              compared++;
            }
          }
        }
      }
    }
    assertThat(compared).isEqualTo(4 * 5 * 3 * 4 * 3 + 5 * 4 * 3);
  }

  @Test
  void manySeedsOnOneRowDrawWhatTheFullSortDraws() {
    // The API's defaults (temperature 1, no top-k, no top-p) on a GPT-2-sized vocabulary: every
    // draw lands somewhere along the ranking, so this walks it at many depths.
    Random data = new Random(11);
    double[] scores = scores(data, 50_257, 0);
    DecodingParameters defaults = sampling(1.0, 0, 1.0);
    int distinct = 0;
    boolean[] seen = new boolean[scores.length];
    for (long seed = 0; seed < 60; seed++) {
      int drawn = TokenChoice.sample(scores, defaults, new Random(seed));
      assertThat(drawn)
          .as("seed %d", seed)
          .isEqualTo(sampledBySortingEverything(scores, defaults, new Random(seed)));
      if (!seen[drawn]) {
        seen[drawn] = true;
        distinct++;
      }
    }
    assertThat(distinct).as("the draws spread over many tokens").isGreaterThan(20);
  }

  @Test
  void greedyIsTheArgmaxOfThePenalisedScores() {
    Random data = new Random(5);
    int compared = 0;
    for (int vocabulary : new int[] {1, 2, 50, 5000}) {
      for (int shape = 0; shape < 5; shape++) {
        double[] doubles = scores(data, vocabulary, shape);
        float[] logits = new float[vocabulary];
        for (int i = 0; i < vocabulary; i++) {
          logits[i] = (float) doubles[i];
        }
        long[] seen = {0, vocabulary - 1, vocabulary / 2};
        for (int eos : new int[] {-1, 0, vocabulary - 1, vocabulary / 3}) {
          for (double penalty : new double[] {1.0, 1.3}) {
            for (int generated : new int[] {0, 5}) {
              DecodingParameters parameters =
                  new DecodingParameters(3, 20, 0.0, 0, 1.0, penalty, 1.0, 1, 1, 0);
              assertThat(TokenChoice.greedy(logits, seen, generated, parameters, eos))
                  .as(
                      "vocabulary %d, shape %d, eos %d, penalty %s, generated %d",
                      vocabulary, shape, eos, penalty, generated)
                  .isEqualTo(
                      TokenChoice.argmax(
                          TokenChoice.penalised(logits, seen, generated, parameters, eos)));
              compared++;
            }
          }
        }
      }
    }
    assertThat(compared).isEqualTo(4 * 5 * 4 * 2 * 2);
  }
}
