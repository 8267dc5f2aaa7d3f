package co.backprop.common.runner;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import co.backprop.common.model.ModelException;
import co.backprop.common.task.SingleRequest;
import co.backprop.common.task.TaskOutput;
import co.backprop.common.task.TextRequest;
import java.util.ArrayList;
import java.util.List;

/** text-vectorisation: one normalised sentence embedding per text. */
public final class SentenceEmbeddingRunner implements ModelRunner<EncodedText> {
  private final SentenceEmbeddingModel model;
  private final Predictor<TokenBatch, float[][]> predictor;

  SentenceEmbeddingRunner(SentenceEmbeddingModel model, Predictor<TokenBatch, float[][]> predictor) {
    this.model = model;
    this.predictor = predictor;
  }

  @Override
  public EncodedText prepare(SingleRequest request) {
    if (!(request instanceof TextRequest text)) {
      throw new IllegalArgumentException(
          model.spec().qualifiedName() + " embeds text requests, not " + request.getClass().getSimpleName());
    }
    return model.encode(text.text());
  }

  @Override
  public List<TaskOutput> run(List<EncodedText> batch) {
    float[][] vectors = embed(batch);
    List<TaskOutput> outputs = new ArrayList<>(vectors.length);
    for (float[] vector : vectors) {
      outputs.add(new TaskOutput.Vector(vector));
    }
    return outputs;
  }

  /** The embeddings of a micro-batch, in its order. */
  public float[][] embed(List<EncodedText> batch) {
    try {
      return predictor.predict(TokenBatch.pad(batch));
    } catch (TranslateException e) {
      throw new ModelException(
          ModelException.Kind.INFERENCE_FAILED,
          model.spec().qualifiedName() + " failed on a batch of " + batch.size() + ": " + e.getMessage(),
          e);
    }
  }

  @Override
  public void close() {
    predictor.close();
  }
}
