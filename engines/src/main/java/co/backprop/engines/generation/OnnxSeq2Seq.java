package co.backprop.engines.generation;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import co.backprop.contract.model.ModelException;
import co.backprop.engines.tensor.TensorInputs;
import co.backprop.engines.tensor.TensorOutputs;
import java.util.Arrays;
import java.util.List;

/**
 * An encoder-decoder model exported to ONNX as two graphs (T5/BART style): the encoder reads the
 * source once ({@code input_ids}, {@code attention_mask} → {@code last_hidden_state}); the decoder
 * takes the generated tokens with {@code encoder_hidden_states} and {@code encoder_attention_mask}
 * and gives {@code logits}. Decoding starts from the decoder start token; each step reruns the
 * decoder over the tokens so far (no cross-attention cache).
 */
public final class OnnxSeq2Seq implements LanguageModel {
  private final Predictor<TensorInputs, TensorOutputs> encoder;
  private final Predictor<TensorInputs, TensorOutputs> decoder;
  private final int eos;
  private final long pad;
  private final long decoderStart;

  public OnnxSeq2Seq(
      Predictor<TensorInputs, TensorOutputs> encoder,
      Predictor<TensorInputs, TensorOutputs> decoder,
      int eos,
      long pad,
      long decoderStart) {
    this.encoder = encoder;
    this.decoder = decoder;
    this.eos = eos;
    this.pad = pad;
    this.decoderStart = decoderStart;
  }

  @Override
  public int eosToken() {
    return eos;
  }

  @Override
  public Session start(List<long[]> sources) {
    int rows = sources.size();
    int length = sources.stream().mapToInt(s -> s.length).max().orElse(0);
    long[] ids = new long[rows * length];
    long[] mask = new long[rows * length];
    Arrays.fill(ids, pad);
    for (int row = 0; row < rows; row++) {
      long[] source = sources.get(row);
      System.arraycopy(source, 0, ids, row * length, source.length);
      Arrays.fill(mask, row * length, row * length + source.length, 1);
    }
    TensorOutputs.Tensor hidden =
        predict(
                encoder,
                new TensorInputs()
                    .add("input_ids", ids, rows, length)
                    .add("attention_mask", mask, rows, length))
            .require("last_hidden_state");
    long[][] decoded = new long[rows][];
    Arrays.fill(decoded, new long[] {decoderStart});
    DecoderSession session =
        new DecoderSession(
            hidden, new TensorOutputs.Tensor(toFloat(mask), new long[] {rows, length}), decoded);
    session.run();
    return session;
  }

  private final class DecoderSession implements Session {
    private TensorOutputs.Tensor hidden;
    private TensorOutputs.Tensor sourceMask;
    private long[][] decoded;
    private float[][] logits;

    DecoderSession(TensorOutputs.Tensor hidden, TensorOutputs.Tensor sourceMask, long[][] decoded) {
      this.hidden = hidden;
      this.sourceMask = sourceMask;
      this.decoded = decoded;
    }

    @Override
    public float[][] logits() {
      return logits;
    }

    @Override
    public void select(int[] rows) {
      hidden = OnnxCausalLm.gatherRows(hidden, rows);
      sourceMask = OnnxCausalLm.gatherRows(sourceMask, rows);
      long[][] kept = new long[rows.length][];
      float[][] keptLogits = new float[rows.length][];
      for (int i = 0; i < rows.length; i++) {
        kept[i] = decoded[rows[i]];
        keptLogits[i] = logits[rows[i]];
      }
      decoded = kept;
      logits = keptLogits;
    }

    @Override
    public void append(long[] tokens) {
      for (int row = 0; row < tokens.length; row++) {
        long[] longer = Arrays.copyOf(decoded[row], decoded[row].length + 1);
        longer[decoded[row].length] = tokens[row];
        decoded[row] = longer;
      }
      if (tokens.length > 0) {
        run();
      }
    }

    void run() {
      int rows = decoded.length;
      int length = decoded[0].length;
      long[] ids = new long[rows * length];
      for (int row = 0; row < rows; row++) {
        System.arraycopy(decoded[row], 0, ids, row * length, length);
      }
      long[] mask = new long[sourceMask.values().length];
      for (int i = 0; i < mask.length; i++) {
        mask[i] = (long) sourceMask.values()[i];
      }
      TensorOutputs.Tensor all =
          predict(
                  decoder,
                  new TensorInputs()
                      .add("input_ids", ids, rows, length)
                      .add("encoder_attention_mask", mask, sourceMask.shape())
                      .add("encoder_hidden_states", hidden.values(), hidden.shape()))
              .require("logits");
      int vocabulary = all.dimension(2);
      logits = new float[rows][];
      for (int row = 0; row < rows; row++) {
        int offset = (row * length + length - 1) * vocabulary;
        logits[row] = Arrays.copyOfRange(all.values(), offset, offset + vocabulary);
      }
    }

    @Override
    public void close() {}
  }

  private static TensorOutputs predict(
      Predictor<TensorInputs, TensorOutputs> predictor, TensorInputs inputs) {
    try {
      return predictor.predict(inputs);
    } catch (TranslateException e) {
      throw new ModelException(
          ModelException.Kind.INFERENCE_FAILED, "generation failed: " + e.getMessage(), e);
    }
  }

  private static float[] toFloat(long[] values) {
    float[] floats = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      floats[i] = values[i];
    }
    return floats;
  }
}
