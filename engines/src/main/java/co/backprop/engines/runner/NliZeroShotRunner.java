package co.backprop.engines.runner;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import co.backprop.contract.model.ModelException;
import co.backprop.contract.model.ModelSpec;
import co.backprop.contract.task.SingleRequest;
import co.backprop.contract.task.TaskOutput;
import co.backprop.engines.tensor.TensorOutputs;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Zero-shot classification with an NLI cross-encoder: each (text, "This example is {label}.") pair
 * is judged entailment / neutral / contradiction. text-classification takes a softmax of the
 * entailment logits across the labels (probabilities sum to 1); emotion judges each label alone
 * (entailment against contradiction) and keeps those above the threshold.
 */
public final class NliZeroShotRunner extends LeasedRunner<NliZeroShotRunner.Input> {
  /** One encoded (text, hypothesis) pair per label. */
  public record Input(List<EncodedText> pairs, LabelScores labels) implements PreparedInput {
    @Override
    public int tokens() {
      return pairs.stream().mapToInt(EncodedText::tokens).sum();
    }

    @Override
    public boolean truncated() {
      return pairs.stream().anyMatch(EncodedText::truncated);
    }
  }

  /** Where entailment and contradiction are among the model's logits, from its config.json. */
  record Classes(int entailment, int contradiction) {
    static Classes of(ModelSpec spec, JsonNode config) {
      int entailment = -1;
      int contradiction = -1;
      for (Iterator<Map.Entry<String, JsonNode>> it = config.path("id2label").fields();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        String label = entry.getValue().asText().toLowerCase(Locale.ROOT);
        if (label.startsWith("entail")) {
          entailment = Integer.parseInt(entry.getKey());
        } else if (label.startsWith("contradict")) {
          contradiction = Integer.parseInt(entry.getKey());
        }
      }
      if (entailment < 0 || contradiction < 0) {
        throw new ModelException(
            ModelException.Kind.LOAD_FAILED,
            "model "
                + spec.qualifiedName()
                + " is not an NLI model: its config.json id2label "
                + config.path("id2label")
                + " has no entailment and contradiction labels");
      }
      return new Classes(entailment, contradiction);
    }
  }

  private final HuggingFaceTokenizer tokenizer;
  private final EncoderPass pass;
  private final Classes classes;
  private final String template;
  private final double threshold;

  NliZeroShotRunner(
      ModelSpec spec, HuggingFaceTokenizer tokenizer, EncoderPass pass, Classes classes) {
    this.tokenizer = tokenizer;
    this.pass = pass;
    this.classes = classes;
    this.template = spec.option("template", "This example is {}.");
    this.threshold = Double.parseDouble(spec.option("threshold", "0.5"));
  }

  @Override
  public Input prepare(SingleRequest request) {
    LabelScores labels = LabelScores.of(request);
    List<EncodedText> pairs = new ArrayList<>(labels.labels().size());
    for (String label : labels.labels()) {
      Encoding encoding = tokenizer.encode(labels.text(), template.replace("{}", label));
      pairs.add(
          new EncodedText(encoding.getIds(), encoding.getTypeIds(), encoding.exceedMaxLength()));
    }
    return new Input(pairs, labels);
  }

  @Override
  public List<TaskOutput> run(List<Input> batch) {
    List<EncodedText> pairs = batch.stream().flatMap(input -> input.pairs().stream()).toList();
    TensorOutputs.Tensor logits = pass.forward(TokenBatch.pad(pairs)).get("logits");
    int classCount = logits.dimension(1);
    List<TaskOutput> outputs = new ArrayList<>(batch.size());
    int pair = 0;
    for (Input input : batch) {
      int labels = input.labels().labels().size();
      double[] entailment = new double[labels];
      double[] probabilities = new double[labels];
      for (int i = 0; i < labels; i++, pair++) {
        double entail = logits.values()[pair * classCount + classes.entailment()];
        double contradict = logits.values()[pair * classCount + classes.contradiction()];
        entailment[i] = entail;
        probabilities[i] = LabelScores.softmax(new double[] {contradict, entail})[1];
      }
      outputs.add(
          input
              .labels()
              .output(
                  input.labels().emotion() ? probabilities : LabelScores.softmax(entailment),
                  threshold));
    }
    return outputs;
  }

  @Override
  protected void release() {
    pass.close();
  }
}
