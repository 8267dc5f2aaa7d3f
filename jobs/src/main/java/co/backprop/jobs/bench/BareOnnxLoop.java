package co.backprop.jobs.bench;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import co.backprop.engines.runner.EncodedText;
import co.backprop.engines.runner.Pooling;
import co.backprop.engines.runner.TokenBatch;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The baseline: the same model and tokenizer called straight through ONNX Runtime's Java API in one
 * loop, no Spark, no DJL. What a careful user would write by hand.
 */
final class BareOnnxLoop implements AutoCloseable {
  private final OrtEnvironment environment;
  private final OrtSession session;
  private final HuggingFaceTokenizer tokenizer;

  BareOnnxLoop(Path model, Path tokenizerFile, int maxLength, int intraOpThreads) throws Exception {
    // DJL's engine creates the process-wide ORT environment with its own settings; start it first
    // so both sides share that one environment (ORT allows a single one per process).
    ai.djl.engine.Engine.getEngine("OnnxRuntime");
    this.environment = OrtEnvironment.getEnvironment();
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    options.setIntraOpNumThreads(intraOpThreads);
    options.setInterOpNumThreads(1);
    this.session = environment.createSession(model.toString(), options);
    this.tokenizer =
        HuggingFaceTokenizer.builder()
            .optTokenizerPath(tokenizerFile)
            .optMaxLength(maxLength)
            .optTruncation(true)
            .optPadding(false)
            .build();
  }

  /** Tokens per sentence (special tokens included), as the model sees them. */
  int[] tokenCounts(List<String> sentences) {
    return sentences.stream().mapToInt(s -> tokenizer.encode(s).getIds().length).toArray();
  }

  /** Embeds every sentence in batches of {@code batchSize}; returns how many were embedded. */
  int run(List<String> sentences, int batchSize, boolean sortByLength) throws OrtException {
    List<EncodedText> encoded = new ArrayList<>(sentences.size());
    for (String sentence : sentences) {
      Encoding encoding = tokenizer.encode(sentence);
      encoded.add(
          new EncodedText(encoding.getIds(), encoding.getTypeIds(), encoding.exceedMaxLength()));
    }
    if (sortByLength) {
      encoded.sort(Comparator.comparingInt(EncodedText::tokens));
    }
    int embedded = 0;
    for (int start = 0; start < encoded.size(); start += batchSize) {
      embedded += embed(encoded.subList(start, Math.min(encoded.size(), start + batchSize))).length;
    }
    return embedded;
  }

  private float[][] embed(List<EncodedText> texts) throws OrtException {
    TokenBatch batch = TokenBatch.pad(texts);
    long[] shape = {batch.rows(), batch.length()};
    try (OnnxTensor ids =
            OnnxTensor.createTensor(environment, LongBuffer.wrap(batch.inputIds()), shape);
        OnnxTensor mask =
            OnnxTensor.createTensor(environment, LongBuffer.wrap(batch.attentionMask()), shape);
        OnnxTensor types =
            OnnxTensor.createTensor(environment, LongBuffer.wrap(batch.typeIds()), shape);
        OrtSession.Result result =
            session.run(
                Map.of("input_ids", ids, "attention_mask", mask, "token_type_ids", types))) {
      OnnxTensor hidden = (OnnxTensor) result.get("last_hidden_state").orElseThrow();
      FloatBuffer buffer = hidden.getFloatBuffer();
      float[] values = new float[buffer.remaining()];
      buffer.get(values);
      long[] dimensions = hidden.getInfo().getShape();
      float[][] vectors = Pooling.meanPool(values, batch, (int) dimensions[2]);
      for (float[] vector : vectors) {
        Pooling.l2Normalise(vector);
      }
      return vectors;
    }
  }

  @Override
  public void close() throws OrtException {
    session.close();
    tokenizer.close();
  }
}
