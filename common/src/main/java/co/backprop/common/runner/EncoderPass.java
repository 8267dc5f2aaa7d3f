package co.backprop.common.runner;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import co.backprop.common.model.ModelException;
import co.backprop.common.model.ModelSpec;

/** One thread's forward passes through a shared {@link TransformerModel}. */
final class EncoderPass implements AutoCloseable {
  private final ModelSpec spec;
  private final Predictor<TokenBatch, TensorOutputs> predictor;

  EncoderPass(ModelSpec spec, TransformerModel model) {
    this.spec = spec;
    this.predictor = model.newPredictor();
  }

  TensorOutputs forward(TokenBatch batch) {
    try {
      return predictor.predict(batch);
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
