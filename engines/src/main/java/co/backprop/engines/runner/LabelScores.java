package co.backprop.engines.runner;

import co.backprop.contract.task.ClassificationRequest;
import co.backprop.contract.task.EmotionLabels;
import co.backprop.contract.task.SingleRequest;
import co.backprop.contract.task.TaskOutput;
import co.backprop.contract.task.TextRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The labels a classification-like request is scored against, and how scores become its answer:
 * text-classification answers every caller label with its probability; emotion answers the
 * comma-separated emotions above a threshold (at least the strongest), strongest first.
 *
 * @param emotion whether the answer is the emotion string rather than probabilities
 */
public record LabelScores(String text, List<String> labels, boolean emotion) {

  static LabelScores of(SingleRequest request, List<String> emotions) {
    if (request instanceof ClassificationRequest classification) {
      return new LabelScores(classification.text(), classification.labels(), false);
    }
    if (request instanceof TextRequest text) {
      return new LabelScores(text.text(), emotions, true);
    }
    throw Requests.wrongKind(request);
  }

  static LabelScores of(SingleRequest request) {
    return of(request, EmotionLabels.ALL);
  }

  /** The answer, from one probability per label (in {@link #labels} order). */
  TaskOutput output(double[] probabilities, double threshold) {
    if (!emotion) {
      Map<String, Double> byLabel = new LinkedHashMap<>();
      for (int i = 0; i < labels.size(); i++) {
        byLabel.put(labels.get(i), probabilities[i]);
      }
      return new TaskOutput.Probabilities(byLabel);
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < labels.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparingDouble((Integer i) -> -probabilities[i]));
    List<Integer> chosen = order.stream().filter(i -> probabilities[i] > threshold).toList();
    if (chosen.isEmpty()) {
      chosen = order.subList(0, 1);
    }
    return new TaskOutput.Text(chosen.stream().map(labels::get).collect(Collectors.joining(", ")));
  }

  static double[] softmax(double[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (double logit : logits) {
      max = Math.max(max, logit);
    }
    double sum = 0;
    double[] probabilities = new double[logits.length];
    for (int i = 0; i < logits.length; i++) {
      probabilities[i] = Math.exp(logits[i] - max);
      sum += probabilities[i];
    }
    for (int i = 0; i < probabilities.length; i++) {
      probabilities[i] /= sum;
    }
    return probabilities;
  }

  static double sigmoid(double logit) {
    return 1 / (1 + Math.exp(-logit));
  }
}
