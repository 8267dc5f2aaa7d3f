package co.backprop.engines.runner;

import co.backprop.contract.task.SingleRequest;
import co.backprop.contract.task.TaskOutput;
import java.util.ArrayList;
import java.util.List;

/** text-vectorisation: one normalised sentence embedding per text. */
public final class SentenceEmbeddingRunner extends LeasedRunner<EncodedText> {
  private final Embedder embedder;
  private final EncoderPass pass;

  SentenceEmbeddingRunner(Embedder embedder, EncoderPass pass) {
    this.embedder = embedder;
    this.pass = pass;
  }

  @Override
  public EncodedText prepare(SingleRequest request) {
    return embedder.encode(Requests.text(request));
  }

  @Override
  public List<TaskOutput> run(List<EncodedText> batch) {
    float[][] vectors = embedder.embed(pass, batch);
    List<TaskOutput> outputs = new ArrayList<>(vectors.length);
    for (float[] vector : vectors) {
      outputs.add(new TaskOutput.Vector(vector));
    }
    return outputs;
  }

  @Override
  protected void release() {
    pass.close();
  }
}
