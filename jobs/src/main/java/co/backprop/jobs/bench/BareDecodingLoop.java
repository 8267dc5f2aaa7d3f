package co.backprop.jobs.bench;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The generation baseline: greedy decoding with the KV cache straight through ONNX Runtime's Java
 * API, no DJL, no decoder: left-padded prompts, then each step's {@code present.*} outputs fed back
 * as {@code past_key_values.*}. What a careful user would write by hand for one batch.
 */
final class BareDecodingLoop implements AutoCloseable {
  private static final String PAST = "past_key_values.";

  private final OrtEnvironment environment;
  private final OrtSession session;
  private final List<String> pastNames = new ArrayList<>();
  private final long heads;
  private final long headSize;
  private final boolean positions;
  private final boolean cacheBranch;

  private BareDecodingLoop(OrtSession session, long heads, long headSize) throws OrtException {
    this.environment = OrtEnvironment.getEnvironment();
    this.session = session;
    this.heads = heads;
    this.headSize = headSize;
    for (String input : session.getInputNames()) {
      if (input.startsWith(PAST)) {
        pastNames.add(input);
      }
    }
    this.positions = session.getInputNames().contains("position_ids");
    this.cacheBranch = session.getInputNames().contains("use_cache_branch");
  }

  /** The loop for an ONNX model whose cache has fixed heads and head size; empty otherwise. */
  static Optional<BareDecodingLoop> open(Path model, int intraOpThreads) throws OrtException {
    // DJL's engine creates the process-wide ORT environment; start it first so both share it.
    ai.djl.engine.Engine.getEngine("OnnxRuntime");
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    options.setIntraOpNumThreads(intraOpThreads);
    options.setInterOpNumThreads(1);
    OrtSession session = OrtEnvironment.getEnvironment().createSession(model.toString(), options);
    for (Map.Entry<String, NodeInfo> input : session.getInputInfo().entrySet()) {
      if (input.getKey().startsWith(PAST)
          && input.getValue().getInfo() instanceof TensorInfo tensor
          && tensor.getShape().length == 4
          && tensor.getShape()[1] > 0
          && tensor.getShape()[3] > 0) {
        return Optional.of(
            new BareDecodingLoop(session, tensor.getShape()[1], tensor.getShape()[3]));
      }
    }
    session.close();
    return Optional.empty();
  }

  /**
   * Generates {@code length} tokens after each prompt, greedily: one pass over the prompts, then
   * one a step.
   *
   * @return each row's tokens
   */
  long[][] generate(List<long[]> prompts, int length) {
    int rows = prompts.size();
    int promptLength = prompts.stream().mapToInt(p -> p.length).max().orElse(0);
    long[] ids = new long[rows * promptLength];
    long[] mask = new long[rows * promptLength];
    long[] positionIds = new long[rows * promptLength];
    for (int row = 0; row < rows; row++) {
      long[] prompt = prompts.get(row);
      int padding = promptLength - prompt.length;
      for (int t = 0; t < prompt.length; t++) {
        ids[row * promptLength + padding + t] = prompt[t];
        mask[row * promptLength + padding + t] = 1;
        positionIds[row * promptLength + padding + t] = t;
      }
    }
    long[][] generated = new long[rows][length];
    try {
      OrtSession.Result result = step(ids, mask, positionIds, rows, promptLength, null);
      try {
        for (int count = 0; ; count++) {
          long[] tokens = lastArgmax(result, rows);
          long[] positions = new long[rows];
          for (int row = 0; row < rows; row++) {
            generated[row][count] = tokens[row];
            positions[row] = prompts.get(row).length + count;
          }
          if (count == length - 1) {
            return generated;
          }
          mask = withOneMorePosition(mask, rows);
          OrtSession.Result next = step(tokens, mask, positions, rows, 1, result);
          result.close();
          result = next;
        }
      } finally {
        result.close();
      }
    } catch (OrtException e) {
      throw new IllegalStateException("the bare ONNX Runtime loop failed: " + e.getMessage(), e);
    }
  }

  /** Each row's mask with one more attended position at its end. */
  private static long[] withOneMorePosition(long[] mask, int rows) {
    int total = mask.length / rows + 1;
    long[] longer = new long[rows * total];
    for (int row = 0; row < rows; row++) {
      System.arraycopy(mask, row * (total - 1), longer, row * total, total - 1);
      longer[row * total + total - 1] = 1;
    }
    return longer;
  }

  private OrtSession.Result step(
      long[] ids, long[] mask, long[] positionIds, int rows, int fed, OrtSession.Result past)
      throws OrtException {
    Map<String, OnnxTensor> created = new HashMap<>(); // this step's own tensors, closed after it
    try {
      created.put("input_ids", tensor(ids, rows, fed));
      created.put("attention_mask", tensor(mask, rows, mask.length / rows));
      if (positions) {
        created.put("position_ids", tensor(positionIds, rows, fed));
      }
      if (cacheBranch) {
        created.put(
            "use_cache_branch", OnnxTensor.createTensor(environment, new boolean[] {past != null}));
      }
      Map<String, OnnxTensor> inputs = new HashMap<>(created);
      for (String name : pastNames) {
        if (past != null) {
          inputs.put(name, (OnnxTensor) past.get("present." + name.substring(PAST.length())).get());
        } else {
          created.put(
              name,
              OnnxTensor.createTensor(
                  environment, FloatBuffer.allocate(0), new long[] {rows, heads, 0, headSize}));
          inputs.put(name, created.get(name));
        }
      }
      return session.run(inputs);
    } finally {
      created.values().forEach(OnnxTensor::close);
    }
  }

  private OnnxTensor tensor(long[] values, int rows, int columns) throws OrtException {
    return OnnxTensor.createTensor(
        environment, LongBuffer.wrap(values), new long[] {rows, columns});
  }

  /** Each row's likeliest next token, from the logits of its last position. */
  private static long[] lastArgmax(OrtSession.Result result, int rows) throws OrtException {
    OnnxTensor logits = (OnnxTensor) result.get("logits").orElseThrow();
    long[] shape = logits.getInfo().getShape();
    int length = (int) shape[1];
    int vocabulary = (int) shape[2];
    FloatBuffer values = logits.getFloatBuffer();
    long[] tokens = new long[rows];
    for (int row = 0; row < rows; row++) {
      int offset = (row * length + length - 1) * vocabulary;
      int best = 0;
      for (int token = 1; token < vocabulary; token++) {
        if (values.get(offset + token) > values.get(offset + best)) {
          best = token;
        }
      }
      tokens[row] = best;
    }
    return tokens;
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
