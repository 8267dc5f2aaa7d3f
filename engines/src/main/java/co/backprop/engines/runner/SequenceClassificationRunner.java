package co.backprop.engines.runner;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import co.backprop.contract.model.ModelException;
import co.backprop.contract.model.ModelSpec;
import co.backprop.contract.task.ClassificationRequest;
import co.backprop.contract.task.InvalidRequestException;
import co.backprop.contract.task.SingleRequest;
import co.backprop.contract.task.TaskOutput;
import co.backprop.engines.tensor.TensorOutputs;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A fine-tuned classifier with fixed labels ({@code id2label} in its config.json), e.g. a
 * GoEmotions model. Multi-label models ({@code problem_type: multi_label_classification}) give each
 * label a sigmoid probability; single-label ones a softmax. Emotion answers the labels above the
 * threshold; text-classification answers the caller's labels, which must be among the model's (a
 * softmax is then taken over them alone, so they sum to 1).
 */
public final class SequenceClassificationRunner extends LeasedRunner<LabelledText> {
  /** The model's labels by logit index, and whether they are independent (multi-label). */
  record Labels(List<String> names, boolean multiLabel) {
    static Labels of(ModelSpec spec, JsonNode config) {
      JsonNode id2label = config.path("id2label");
      if (!id2label.isObject() || id2label.isEmpty()) {
        throw new ModelException(
            ModelException.Kind.LOAD_FAILED,
            "model "
                + spec.qualifiedName()
                + " has no id2label in its config.json: its labels are unknown");
      }
      List<String> names = new ArrayList<>();
      for (int i = 0; i < id2label.size(); i++) {
        JsonNode label = id2label.get(Integer.toString(i));
        if (label == null) {
          throw new ModelException(
              ModelException.Kind.LOAD_FAILED,
              "model " + spec.qualifiedName() + ": id2label has no label " + i);
        }
        names.add(label.asText());
      }
      String problem = spec.option("problemType", config.path("problem_type").asText(""));
      return new Labels(List.copyOf(names), problem.equals("multi_label_classification"));
    }
  }

  private final HuggingFaceTokenizer tokenizer;
  private final EncoderPass pass;
  private final Labels labels;
  private final double threshold;

  SequenceClassificationRunner(
      ModelSpec spec, HuggingFaceTokenizer tokenizer, EncoderPass pass, Labels labels) {
    this.tokenizer = tokenizer;
    this.pass = pass;
    this.labels = labels;
    this.threshold = Double.parseDouble(spec.option("threshold", "0.5"));
  }

  @Override
  public LabelledText prepare(SingleRequest request) {
    LabelScores scores = LabelScores.of(request, labels.names());
    if (request instanceof ClassificationRequest classification) {
      for (int i = 0; i < classification.labels().size(); i++) {
        String label = classification.labels().get(i);
        if (!labels.names().contains(label)) {
          throw new InvalidRequestException(
              "labels[" + i + "]",
              "'"
                  + label
                  + "' is not a label of this model; its labels are "
                  + String.join(", ", labels.names()));
        }
      }
    }
    Encoding encoding = tokenizer.encode(scores.text());
    return new LabelledText(
        new EncodedText(encoding.getIds(), encoding.getTypeIds(), encoding.exceedMaxLength()),
        scores);
  }

  @Override
  public List<TaskOutput> run(List<LabelledText> batch) {
    TensorOutputs.Tensor logits =
        pass.forward(TokenBatch.pad(batch.stream().map(LabelledText::text).toList())).get("logits");
    int classes = logits.dimension(1);
    List<TaskOutput> outputs = new ArrayList<>(batch.size());
    for (int row = 0; row < batch.size(); row++) {
      LabelScores wanted = batch.get(row).labels();
      double[] scores = new double[wanted.labels().size()];
      for (int i = 0; i < scores.length; i++) {
        scores[i] = logits.values()[row * classes + labels.names().indexOf(wanted.labels().get(i))];
      }
      double[] probabilities;
      if (labels.multiLabel()) {
        probabilities = new double[scores.length];
        for (int i = 0; i < scores.length; i++) {
          probabilities[i] = LabelScores.sigmoid(scores[i]);
        }
      } else {
        probabilities = LabelScores.softmax(scores);
      }
      outputs.add(wanted.output(probabilities, threshold));
    }
    return outputs;
  }

  @Override
  protected void release() {
    pass.close();
  }
}
