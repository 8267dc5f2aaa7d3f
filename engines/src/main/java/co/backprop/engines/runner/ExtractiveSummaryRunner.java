package co.backprop.engines.runner;

import co.backprop.contract.model.ModelSpec;
import co.backprop.contract.task.SingleRequest;
import co.backprop.contract.task.TaskOutput;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Extractive summaries by sentence centrality: the text is split into sentences, each is embedded,
 * and the sentences most similar to all the others (the sum of their cosine similarities) are kept
 * — a third of them, at least one and at most {@code maxSentences} — in their original order.
 */
public final class ExtractiveSummaryRunner extends LeasedRunner<ExtractiveSummaryRunner.Input> {
  public record Input(List<String> sentences, List<EncodedText> encoded) implements PreparedInput {
    @Override
    public int tokens() {
      return encoded.stream().mapToInt(EncodedText::tokens).sum();
    }

    @Override
    public boolean truncated() {
      return encoded.stream().anyMatch(EncodedText::truncated);
    }
  }

  private final Embedder embedder;
  private final EncoderPass pass;
  private final int maxSentences;

  ExtractiveSummaryRunner(ModelSpec spec, Embedder embedder, EncoderPass pass) {
    this.embedder = embedder;
    this.pass = pass;
    this.maxSentences = spec.intOption("maxSentences", 3);
  }

  static List<String> sentences(String text) {
    BreakIterator boundaries = BreakIterator.getSentenceInstance(Locale.ROOT);
    boundaries.setText(text);
    List<String> sentences = new ArrayList<>();
    for (int start = boundaries.first(), end = boundaries.next();
        end != BreakIterator.DONE;
        start = end, end = boundaries.next()) {
      String sentence = text.substring(start, end).strip();
      if (!sentence.isEmpty()) {
        sentences.add(sentence);
      }
    }
    return sentences;
  }

  @Override
  public Input prepare(SingleRequest request) {
    List<String> sentences = sentences(Requests.text(request));
    return new Input(sentences, sentences.stream().map(embedder::encode).toList());
  }

  @Override
  public List<TaskOutput> run(List<Input> batch) {
    float[][] vectors =
        embedder.embed(pass, batch.stream().flatMap(i -> i.encoded().stream()).toList());
    List<TaskOutput> summaries = new ArrayList<>(batch.size());
    int first = 0;
    for (Input input : batch) {
      int count = input.sentences().size();
      summaries.add(new TaskOutput.Text(summary(input.sentences(), vectors, first)));
      first += count;
    }
    return summaries;
  }

  private String summary(List<String> sentences, float[][] vectors, int first) {
    int count = sentences.size();
    int keep = Math.min(maxSentences, Math.max(1, (count + 2) / 3));
    double[] centrality = new double[count];
    for (int i = 0; i < count; i++) {
      for (int j = 0; j < count; j++) {
        if (i != j) {
          centrality[i] += Vectors.dot(vectors[first + i], vectors[first + j]);
        }
      }
    }
    return IntStream.range(0, count)
        .boxed()
        .sorted(Comparator.comparingDouble((Integer i) -> -centrality[i]).thenComparing(i -> i))
        .limit(keep)
        .sorted()
        .map(sentences::get)
        .collect(Collectors.joining(" "));
  }

  @Override
  protected void release() {
    pass.close();
  }
}
