package co.backprop.engines.runner;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import co.backprop.contract.model.ModelException;
import co.backprop.contract.model.ModelSpec;
import co.backprop.engines.tensor.TensorInputs;
import co.backprop.engines.tensor.TensorOutputs;

/**
 * One thread's forward passes of token batches through a shared encoder ({@code input_ids}, {@code
 * attention_mask} and, when the graph takes it, {@code token_type_ids}, all int64).
 */
final class EncoderPass implements AutoCloseable {
  private static final String TOKEN_TYPE_IDS = "token_type_ids";
  private final ModelSpec spec;
  private final Predictor<TensorInputs, TensorOutputs> predictor;
  private final boolean tokenTypes;

  EncoderPass(ModelSpec spec, TransformerModel model) {
    this.spec = spec;
    this.predictor = model.newPredictor("model");
    this.tokenTypes = model.inputs("model").containsKey(TOKEN_TYPE_IDS);
  }

  TensorOutputs forward(TokenBatch batch) {
    long[] shape = {batch.rows(), batch.length()};
    TensorInputs inputs =
        new TensorInputs()
            .add("input_ids", batch.inputIds(), shape)
            .add("attention_mask", batch.attentionMask(), shape);
    if (tokenTypes) {
      inputs.add(TOKEN_TYPE_IDS, batch.typeIds(), shape);
    }
    try {
      return predictor.predict(inputs);
    } catch (TranslateException e) {
      throw new ModelException(
          ModelException.Kind.INFERENCE_FAILED,
          spec.qualifiedName() + " failed on a batch of " + batch.rows() + ": " + e.getMessage(),
          e);
    }
  }

  @Override
  public void close() {
    predictor.close();
  }
}
