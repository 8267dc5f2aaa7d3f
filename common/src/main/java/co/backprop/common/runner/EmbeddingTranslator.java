package co.backprop.common.runner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import java.util.Set;

/**
 * Feeds a padded {@link TokenBatch} to a transformer encoder and turns its output into one
 * L2-normalised, mean-pooled vector per row, as sentence-transformers does. Pooling runs in Java:
 * the ONNX Runtime engine alone has no NDArray arithmetic.
 */
final class EmbeddingTranslator implements NoBatchifyTranslator<TokenBatch, float[][]> {
  private static final String TOKEN_TYPE_IDS = "token_type_ids";
  private final boolean normalize;
  private final String outputName;
  private volatile Set<String> modelInputs;

  EmbeddingTranslator(boolean normalize, String outputName) {
    this.normalize = normalize;
    this.outputName = outputName;
  }

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
    context.setAttachment("batch", batch);
    return inputs;
  }

  @Override
  public float[][] processOutput(TranslatorContext context, NDList outputs) {
    TokenBatch batch = (TokenBatch) context.getAttachment("batch");
    NDArray output = outputs.get(outputName);
    if (output == null) {
      output = outputs.get(0);
    }
    long[] dimensions = output.getShape().getShape();
    float[] values = output.toFloatArray();
    float[][] vectors =
        dimensions.length == 2
            ? split(values, batch.rows(), (int) dimensions[1])
            : Pooling.meanPool(values, batch, (int) dimensions[2]);
    if (normalize) {
      for (float[] vector : vectors) {
        Pooling.l2Normalise(vector);
      }
    }
    return vectors;
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

  private static float[][] split(float[] values, int rows, int hidden) {
    float[][] vectors = new float[rows][hidden];
    for (int row = 0; row < rows; row++) {
      System.arraycopy(values, row * hidden, vectors[row], 0, hidden);
    }
    return vectors;
  }
}
