package co.backprop.engines.runner;

import co.backprop.contract.model.ModelSpec;
import co.backprop.contract.task.EmotionLabels;
import co.backprop.contract.task.SingleRequest;
import co.backprop.contract.task.Task;
import co.backprop.contract.task.TaskOutput;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Zero-shot classification by similarity: the text and each label (put into the {@code template}
 * sentence) are embedded with a sentence-embedding model, and the cosine similarities, scaled by
 * {@code scale}, go through a softmax, so a row's probabilities sum to 1. Cheap and offline, but a
 * similarity, not an entailment judgement: an NLI model is more accurate when installed.
 */
public final class ZeroShotEmbeddingRunner extends LeasedRunner<LabelledText> {
  private final Embedder embedder;
  private final EncoderPass pass;
  private final Map<String, float[]> labelVectors;
  private final String template;
  private final double scale;
  private final double threshold;
  private final boolean emotionPrompts;

  /**
   * @param labelVectors embeddings of templated labels, shared by the model's runners
   */
  ZeroShotEmbeddingRunner(
      ModelSpec spec, Embedder embedder, EncoderPass pass, Map<String, float[]> labelVectors) {
    this.embedder = embedder;
    this.pass = pass;
    this.labelVectors = labelVectors;
    this.template = spec.option("template", "{}");
    this.scale = Double.parseDouble(spec.option("scale", "20"));
    this.threshold = Double.parseDouble(spec.option("threshold", "0.2"));
    this.emotionPrompts =
        spec.task() == Task.EMOTION && Boolean.parseBoolean(spec.option("emotionPrompts", "true"));
  }

  @Override
  public LabelledText prepare(SingleRequest request) {
    LabelScores labels = LabelScores.of(request);
    return new LabelledText(embedder.encode(labels.text()), labels);
  }

  @Override
  public List<TaskOutput> run(List<LabelledText> batch) {
    float[][] texts = embedder.embed(pass, batch.stream().map(LabelledText::text).toList());
    embedMissingLabels(batch);
    List<TaskOutput> outputs = new ArrayList<>(batch.size());
    for (int row = 0; row < batch.size(); row++) {
      List<String> labels = batch.get(row).labels().labels();
      double[] logits = new double[labels.size()];
      for (int i = 0; i < labels.size(); i++) {
        logits[i] = scale * Vectors.dot(texts[row], labelVectors.get(labels.get(i)));
      }
      outputs.add(batch.get(row).labels().output(LabelScores.softmax(logits), threshold));
    }
    return outputs;
  }

  /** Labels repeat across rows (always, for emotion): each is embedded once per JVM. */
  private void embedMissingLabels(List<LabelledText> batch) {
    Set<String> missing = new LinkedHashSet<>();
    for (LabelledText input : batch) {
      for (String label : input.labels().labels()) {
        if (!labelVectors.containsKey(label)) {
          missing.add(label);
        }
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    List<String> labels = List.copyOf(missing);
    float[][] vectors =
        embedder.embed(pass, labels.stream().map(label -> embedder.encode(anchor(label))).toList());
    if (labelVectors.size() > 100_000) {
      labelVectors.clear(); // callers with ever-new labels must not grow the cache without bound
    }
    for (int i = 0; i < labels.size(); i++) {
      labelVectors.put(labels.get(i), vectors[i]);
    }
  }

  /** The sentence a label is embedded as: the emotion's prompt, or the label in the template. */
  private String anchor(String label) {
    String prompt = emotionPrompts ? EmotionLabels.PROMPTS.get(label) : null;
    return prompt != null ? prompt : template.replace("{}", label);
  }

  @Override
  protected void release() {
    pass.close();
  }
}
