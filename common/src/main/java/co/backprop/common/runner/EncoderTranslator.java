package co.backprop.common.runner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import java.util.Set;

/**
 * Feeds a padded {@link TokenBatch} to a transformer encoder exported to ONNX (int64 {@code
 * input_ids}, {@code attention_mask} and, when the model takes it, {@code token_type_ids}) and
 * copies every output out as floats. What the outputs mean is the runner's business.
 */
final class EncoderTranslator implements NoBatchifyTranslator<TokenBatch, TensorOutputs> {
  private static final String TOKEN_TYPE_IDS = "token_type_ids";
  private volatile Set<String> modelInputs;

  @Override
  public NDList processInput(TranslatorContext context, TokenBatch batch) {
    NDManager manager = context.getNDManager();
    Shape shape = new Shape(batch.rows(), batch.length());
    NDList inputs = new NDList(3);
    inputs.add(named(manager.create(batch.inputIds(), shape), "input_ids"));
    inputs.add(named(manager.create(batch.attentionMask(), shape), "attention_mask"));
    if (inputsOf(context).contains(TOKEN_TYPE_IDS)) {
      inputs.add(named(manager.create(batch.typeIds(), shape), TOKEN_TYPE_IDS));
    }
    return inputs;
  }

  @Override
  public TensorOutputs processOutput(TranslatorContext context, NDList outputs) {
    TensorOutputs result = new TensorOutputs();
    for (NDArray output : outputs) {
      result.put(output.getName(), new TensorOutputs.Tensor(output.toFloatArray(), output.getShape().getShape()));
    }
    return result;
  }

  private Set<String> inputsOf(TranslatorContext context) {
    Set<String> names = modelInputs;
    if (names == null) {
      names = Set.copyOf(context.getModel().describeInput().keys());
      modelInputs = names;
    }
    return names;
  }

  private static NDArray named(NDArray array, String name) {
    array.setName(name);
    return array;
  }
}
