package co.backprop.engines.runner;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import co.backprop.contract.model.ModelException;
import co.backprop.contract.model.ModelSpec;
import co.backprop.contract.task.ImageClassificationRequest;
import co.backprop.contract.task.SingleRequest;
import co.backprop.contract.task.TaskOutput;
import co.backprop.engines.tensor.TensorInputs;
import co.backprop.engines.tensor.TensorOutputs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Zero-shot image classification with CLIP (ONNX export taking {@code input_ids}, {@code
 * attention_mask} and {@code pixel_values}, giving {@code logits_per_image}): each label becomes "a
 * photo of a {label}.", and a softmax over the row's own labels makes probabilities that sum to 1.
 * A micro-batch's images and all its rows' labels go through one forward pass.
 */
public final class ClipRunner extends LeasedRunner<ClipRunner.Input> {
  public record Input(float[] pixels, List<EncodedText> labels, List<String> names)
      implements PreparedInput {
    /** An image costs what CLIP's 50 patch tokens do; labels their tokens. */
    @Override
    public int tokens() {
      return 50 + labels.stream().mapToInt(EncodedText::tokens).sum();
    }

    @Override
    public boolean truncated() {
      return labels.stream().anyMatch(EncodedText::truncated);
    }
  }

  private final HuggingFaceTokenizer tokenizer;
  private final Predictor<TensorInputs, TensorOutputs> predictor;
  private final String template;
  private final int imageSize;

  ClipRunner(ModelSpec spec, TransformerModel weights, HuggingFaceTokenizer tokenizer) {
    this.tokenizer = tokenizer;
    this.predictor = weights.newPredictor("model");
    this.template = spec.option("template", "a photo of a {}.");
    this.imageSize =
        spec.intOption(
            "imageSize", weights.config().path("vision_config").path("image_size").asInt(224));
  }

  @Override
  public Input prepare(SingleRequest request) {
    if (!(request instanceof ImageClassificationRequest image)) {
      throw Requests.wrongKind(request);
    }
    float[] pixels = ClipImages.pixelValues(ClipImages.decode(image.image()), imageSize);
    List<EncodedText> labels = new ArrayList<>();
    for (String label : image.labels()) {
      Encoding encoding = tokenizer.encode(template.replace("{}", label));
      labels.add(
          new EncodedText(encoding.getIds(), encoding.getTypeIds(), encoding.exceedMaxLength()));
    }
    return new Input(pixels, labels, image.labels());
  }

  @Override
  public List<TaskOutput> run(List<Input> batch) {
    int images = batch.size();
    int imageLength = 3 * imageSize * imageSize;
    float[] pixels = new float[images * imageLength];
    for (int i = 0; i < images; i++) {
      System.arraycopy(batch.get(i).pixels(), 0, pixels, i * imageLength, imageLength);
    }
    TokenBatch texts =
        TokenBatch.pad(batch.stream().flatMap(input -> input.labels().stream()).toList());
    TensorInputs inputs =
        new TensorInputs()
            .add("input_ids", texts.inputIds(), texts.rows(), texts.length())
            .add("attention_mask", texts.attentionMask(), texts.rows(), texts.length())
            .add("pixel_values", pixels, images, 3, imageSize, imageSize);
    TensorOutputs.Tensor logits;
    try {
      logits = predictor.predict(inputs).require("logits_per_image");
    } catch (TranslateException e) {
      throw new ModelException(
          ModelException.Kind.INFERENCE_FAILED,
          "CLIP failed on a batch of " + images + ": " + e.getMessage(),
          e);
    }
    List<TaskOutput> outputs = new ArrayList<>(images);
    int firstLabel = 0;
    for (int image = 0; image < images; image++) {
      Input input = batch.get(image);
      double[] scores = new double[input.names().size()];
      for (int i = 0; i < scores.length; i++) {
        scores[i] = logits.values()[image * texts.rows() + firstLabel + i];
      }
      double[] probabilities = LabelScores.softmax(scores);
      Map<String, Double> byLabel = new java.util.LinkedHashMap<>();
      for (int i = 0; i < scores.length; i++) {
        byLabel.put(input.names().get(i), probabilities[i]);
      }
      outputs.add(new TaskOutput.Probabilities(byLabel));
      firstLabel += scores.length;
    }
    return outputs;
  }

  @Override
  protected void release() {
    predictor.close();
  }
}
