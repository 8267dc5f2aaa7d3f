package co.backprop.engines.runner;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import co.backprop.contract.model.ModelSpec;
import co.backprop.engines.tensor.TensorOutputs;
import java.util.List;

/**
 * Sentence embeddings as sentence-transformers computes them: tokens truncated at {@code
 * maxLength}, the encoder's token vectors mean-pooled over the attention mask, L2-normalised. The
 * tokenizer is shared; the forward passes are the calling thread's own.
 */
final class Embedder {
  /** sentence-transformers' max_seq_length for all-MiniLM-L6-v2 (its tokenizer.json says 128). */
  static final int DEFAULT_MAX_LENGTH = 256;

  private final HuggingFaceTokenizer tokenizer;
  private final String output;
  private final boolean normalize;

  Embedder(ModelSpec spec, TransformerModel model) {
    int maxLength = spec.intOption("maxLength", DEFAULT_MAX_LENGTH);
    this.tokenizer =
        model.tokenizer(builder -> builder.optMaxLength(maxLength).optTruncation(true));
    this.output = spec.option("output", "last_hidden_state");
    this.normalize = Boolean.parseBoolean(spec.option("normalize", "true"));
  }

  EncodedText encode(String text) {
    Encoding encoding = tokenizer.encode(text);
    return new EncodedText(encoding.getIds(), encoding.getTypeIds(), encoding.exceedMaxLength());
  }

  float[][] embed(EncoderPass pass, List<EncodedText> texts) {
    if (texts.isEmpty()) {
      return new float[0][];
    }
    TokenBatch batch = TokenBatch.pad(texts);
    TensorOutputs.Tensor hidden = pass.forward(batch).get(output);
    float[][] vectors =
        hidden.shape().length == 2
            ? split(hidden.values(), texts.size(), hidden.dimension(1))
            : Pooling.meanPool(hidden.values(), batch, hidden.dimension(2));
    if (normalize) {
      for (float[] vector : vectors) {
        Pooling.l2Normalise(vector);
      }
    }
    return vectors;
  }

  private static float[][] split(float[] values, int rows, int width) {
    float[][] vectors = new float[rows][width];
    for (int row = 0; row < rows; row++) {
      System.arraycopy(values, row * width, vectors[row], 0, width);
    }
    return vectors;
  }

  void close() {
    tokenizer.close();
  }
}
