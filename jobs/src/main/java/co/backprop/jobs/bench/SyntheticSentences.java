package co.backprop.jobs.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Reproducible English sentences of varied length (about 18 tokens on average, a long tail to ~60),
 * for benchmarks that need more text than the bundled samples.
 */
public final class SyntheticSentences {
  private static final String[] SUBJECTS = {
    "The customer", "Our new supplier", "A small team in Berlin", "The delivery driver",
        "My neighbour",
    "The quarterly report", "This wireless headset", "The support agent", "An old friend of mine",
        "The weather",
    "Every nightly job", "The hotel in Lisbon", "Her latest novel", "The replacement battery",
        "A curious child"
  };
  private static final String[] VERBS = {
    "arrived", "broke down", "surprised everyone", "was praised", "needs attention", "kept failing",
    "looked great", "sold out", "was returned", "got much better", "made a strange noise",
        "went missing"
  };
  private static final String[] TAILS = {
    "after only two days", "despite the heavy rain", "during the product launch",
        "before anyone noticed",
    "at the end of the month", "in the middle of the night", "without any explanation",
        "on the first attempt",
    "while the office was closed", "according to the latest survey", "just as we expected",
        "for the third time"
  };
  private static final String[] CLAUSES = {
    "and the refund took weeks to arrive", "so we ordered another one from a different shop",
    "which nobody in the department could explain", "but the manual said nothing about it",
    "and the reviews online were mostly positive", "although the price had gone up again",
    "because the software update changed the default settings",
        "and it happened again the following week"
  };

  private SyntheticSentences() {}

  public static List<String> generate(int count, long seed) {
    Random random = new Random(seed);
    List<String> sentences = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      StringBuilder sentence = new StringBuilder();
      sentence
          .append(pick(random, SUBJECTS))
          .append(' ')
          .append(pick(random, VERBS))
          .append(' ')
          .append(pick(random, TAILS));
      // Geometric number of extra clauses: most sentences short, a few long.
      while (random.nextDouble() < 0.35) {
        sentence.append(", ").append(pick(random, CLAUSES));
      }
      sentences.add(sentence.append('.').toString());
    }
    return sentences;
  }

  private static String pick(Random random, String[] words) {
    return words[random.nextInt(words.length)];
  }

  /** The sentences as JSON lines {@code {"id": i, "text": ...}}, the benchmarks' input. */
  public static java.nio.file.Path writeJsonLines(List<String> texts, java.nio.file.Path file)
      throws java.io.IOException {
    java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
    try (java.io.Writer writer = java.nio.file.Files.newBufferedWriter(file)) {
      for (int i = 0; i < texts.size(); i++) {
        writer.write(
            co.backprop.contract.task.Json.MAPPER
                .createObjectNode()
                .put("id", i)
                .put("text", texts.get(i))
                .toString());
        writer.write('\n');
      }
    }
    return file;
  }
}
