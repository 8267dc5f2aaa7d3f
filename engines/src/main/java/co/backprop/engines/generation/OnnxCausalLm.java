package co.backprop.engines.generation;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import co.backprop.contract.model.ModelException;
import co.backprop.engines.tensor.NativeTensor;
import co.backprop.engines.tensor.NativeTensors;
import co.backprop.engines.tensor.TensorInputs;
import co.backprop.engines.tensor.TensorOutputs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A decoder-only model (GPT-2 style) exported to ONNX — {@code input_ids}, {@code attention_mask},
 * optionally {@code position_ids}, {@code past_key_values.N.key/value} and {@code use_cache_branch}
 * in; {@code logits} and {@code present.N.key/value} out — or to TorchScript, whose {@code
 * forward(input_ids, attention_mask)} returns the logits. Prompts of different lengths are
 * left-padded; with a KV cache, prompts of very different lengths are read in groups ({@link
 * PrefillGroups}). With a KV cache the session feeds only the newest token and the cache; without
 * (the model has none, or it is turned off) it runs the whole text at every step.
 */
public final class OnnxCausalLm implements LanguageModel {
  private static final String PAST = "past_key_values.";
  private static final String PRESENT = "present.";

  private final Predictor<TensorInputs, TensorOutputs> predictor;
  private final Supplier<NativeTensors> nativeTensors;
  private final int eos;
  private final long pad;
  private final boolean cache;
  private final boolean positions;
  private final boolean cacheBranch;

  /** Past inputs by name, with their [heads, headSize] (the batch and length dimensions vary). */
  private final Map<String, long[]> pastShapes = new LinkedHashMap<>();

  /**
   * @param nativeTensors a new scope in the engine for one session's KV cache
   * @param inputs the names of the graph's inputs
   * @param cacheLayout [heads, head size] of the cache tensors (from the model's config)
   * @param useCache feed the KV cache when the graph takes one (false: recompute every step)
   */
  public OnnxCausalLm(
      Predictor<TensorInputs, TensorOutputs> predictor,
      Supplier<NativeTensors> nativeTensors,
      Set<String> inputs,
      long[] cacheLayout,
      int eos,
      long pad,
      boolean useCache) {
    this.predictor = predictor;
    this.nativeTensors = nativeTensors;
    this.eos = eos;
    this.pad = pad;
    this.positions = inputs.contains("position_ids");
    this.cacheBranch = inputs.contains("use_cache_branch");
    for (String input : inputs) {
      if (input.startsWith(PAST)) {
        if (cacheLayout == null) {
          throw new ModelException(
              ModelException.Kind.LOAD_FAILED,
              "the model takes "
                  + input
                  + " but its config.json gives no n_head/n_embd (or"
                  + " num_attention_heads/hidden_size)");
        }
        pastShapes.put(input, cacheLayout);
      }
    }
    this.cache = useCache && !pastShapes.isEmpty();
  }

  @Override
  public int eosToken() {
    return eos;
  }

  @Override
  public Session start(List<long[]> prompts) {
    LeftPadded padded = LeftPadded.of(prompts, pad);
    CausalSession session = new CausalSession(padded.sequences(), padded.masks());
    try {
      // A request's beams or generations share its prompt (one array): read it once.
      Map<long[], Integer> distinctIndex = new IdentityHashMap<>();
      List<long[]> distinct = new ArrayList<>();
      int[] distinctOf = new int[prompts.size()];
      for (int row = 0; row < prompts.size(); row++) {
        long[] prompt = prompts.get(row);
        distinctOf[row] =
            distinctIndex.computeIfAbsent(
                prompt,
                p -> {
                  distinct.add(p);
                  return distinct.size() - 1;
                });
      }
      List<int[]> groups =
          cache ? PrefillGroups.of(distinct.stream().mapToInt(p -> p.length).toArray()) : List.of();
      if (groups.size() > 1 || (cache && distinct.size() < prompts.size())) {
        session.readApart(distinct, distinctOf, groups);
      } else {
        session.run(padded.length());
      }
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
    return session;
  }

  /** Prompts left-padded to the longest, with their attention masks. */
  private record LeftPadded(long[][] sequences, long[][] masks, int length) {
    static LeftPadded of(List<long[]> prompts, long pad) {
      int length = prompts.stream().mapToInt(p -> p.length).max().orElse(0);
      long[][] sequences = new long[prompts.size()][];
      long[][] masks = new long[prompts.size()][];
      for (int row = 0; row < prompts.size(); row++) {
        long[] prompt = prompts.get(row);
        sequences[row] = new long[length];
        masks[row] = new long[length];
        Arrays.fill(sequences[row], 0, length - prompt.length, pad);
        System.arraycopy(prompt, 0, sequences[row], length - prompt.length, prompt.length);
        Arrays.fill(masks[row], length - prompt.length, length, 1);
      }
      return new LeftPadded(sequences, masks, length);
    }
  }

  /**
   * One batch's decoding. The KV cache stays in the engine between steps ({@link NativeTensors}):
   * each step feeds the previous step's {@code present.*} outputs back as {@code past_key_values.*}
   * without copying them through Java; the logits are the only output copied out. The cache is
   * copied only when the rows change (a sequence ends, beams reorder).
   */
  private final class CausalSession implements Session {
    private long[][] sequences;
    private long[][] masks;
    private float[][] logits;

    /**
     * The cache by input name ({@code past_key_values.N.key/value}); empty before the first run.
     */
    private Map<String, NativeTensor> past = new LinkedHashMap<>();

    private final NativeTensors kept = cache ? nativeTensors.get() : null;

    CausalSession(long[][] sequences, long[][] masks) {
      this.sequences = sequences;
      this.masks = masks;
    }

    @Override
    public float[][] logits() {
      return logits;
    }

    @Override
    public void select(int[] rows) {
      if (isIdentity(rows, sequences.length)) {
        return;
      }
      long[][] keptSequences = new long[rows.length][];
      long[][] keptMasks = new long[rows.length][];
      float[][] keptLogits = new float[rows.length][];
      for (int i = 0; i < rows.length; i++) {
        keptSequences[i] = sequences[rows[i]];
        keptMasks[i] = masks[rows[i]];
        keptLogits[i] = logits[rows[i]];
      }
      sequences = keptSequences;
      masks = keptMasks;
      logits = keptLogits;
      Map<String, NativeTensor> keptPast = new LinkedHashMap<>();
      int[] onlySource = new int[rows.length];
      past.forEach(
          (name, tensor) ->
              keptPast.put(name, kept.rightAligned(List.of(tensor), onlySource, rows)));
      replacePast(keptPast);
    }

    @Override
    public void append(long[] tokens) {
      for (int row = 0; row < tokens.length; row++) {
        sequences[row] = extended(sequences[row], tokens[row]);
        masks[row] = extended(masks[row], 1);
      }
      if (tokens.length > 0) {
        run(cache ? 1 : sequences[0].length);
      }
    }

    /**
     * Reads each distinct prompt once, group by group ({@link PrefillGroups}), each group padded
     * only to its own longest, then joins the groups' caches into this session's, one row per
     * session row, right-aligned as if the whole batch had been read left-padded.
     *
     * @param distinctOf the distinct prompt of each session row
     */
    void readApart(List<long[]> distinct, int[] distinctOf, List<int[]> groups) {
      int[] groupOfDistinct = new int[distinct.size()];
      int[] placeOfDistinct = new int[distinct.size()];
      List<CausalSession> parts = new ArrayList<>();
      try {
        for (int g = 0; g < groups.size(); g++) {
          int[] members = groups.get(g);
          LeftPadded padded =
              LeftPadded.of(Arrays.stream(members).mapToObj(distinct::get).toList(), pad);
          CausalSession part = new CausalSession(padded.sequences(), padded.masks());
          parts.add(part);
          part.run(padded.length());
          for (int i = 0; i < members.length; i++) {
            groupOfDistinct[members[i]] = g;
            placeOfDistinct[members[i]] = i;
          }
        }
        int rows = sequences.length;
        int[] group = new int[rows];
        int[] rowInGroup = new int[rows];
        logits = new float[rows][];
        for (int row = 0; row < rows; row++) {
          group[row] = groupOfDistinct[distinctOf[row]];
          rowInGroup[row] = placeOfDistinct[distinctOf[row]];
          logits[row] = parts.get(group[row]).logits[rowInGroup[row]]; // read only, may be shared
        }
        Map<String, NativeTensor> joined = new LinkedHashMap<>();
        for (String input : pastShapes.keySet()) {
          List<NativeTensor> pieces = parts.stream().map(part -> part.past.get(input)).toList();
          joined.put(input, kept.rightAligned(pieces, group, rowInGroup));
        }
        replacePast(joined);
      } finally {
        parts.forEach(CausalSession::close);
      }
    }

    /** Runs the model on the last {@code fed} tokens of every row (all of them without a cache). */
    void run(int fed) {
      int rows = sequences.length;
      int total = sequences[0].length;
      long[] ids = new long[rows * fed];
      long[] mask = new long[rows * total];
      long[] positionIds = new long[rows * fed];
      for (int row = 0; row < rows; row++) {
        System.arraycopy(sequences[row], total - fed, ids, row * fed, fed);
        System.arraycopy(masks[row], 0, mask, row * total, total);
        long position = -1;
        long[] rowPositions = new long[total];
        for (int t = 0; t < total; t++) {
          position += masks[row][t];
          rowPositions[t] = Math.max(position, 0);
        }
        System.arraycopy(rowPositions, total - fed, positionIds, row * fed, fed);
      }
      TensorInputs inputs =
          new TensorInputs()
              .add("input_ids", ids, rows, fed)
              .add("attention_mask", mask, rows, total);
      if (positions) {
        inputs.add("position_ids", positionIds, rows, fed);
      }
      boolean withPast = cache && !past.isEmpty();
      for (Map.Entry<String, long[]> input : pastShapes.entrySet()) {
        long[] layout = input.getValue();
        if (withPast) {
          inputs.add(input.getKey(), past.get(input.getKey()));
        } else {
          inputs.add(input.getKey(), new float[0], rows, layout[0], 0, layout[1]);
        }
      }
      if (cacheBranch) {
        inputs.add("use_cache_branch", new boolean[] {withPast}, 1);
      }
      if (cache) {
        inputs.keepOutputs(PRESENT, kept);
      }
      TensorOutputs outputs;
      try {
        outputs = predictor.predict(inputs);
      } catch (TranslateException e) {
        throw new ModelException(
            ModelException.Kind.INFERENCE_FAILED, "generation failed: " + e.getMessage(), e);
      }
      TensorOutputs.Tensor all = outputs.get("logits"); // TorchScript outputs have no names
      int length = all.dimension(1);
      int vocabulary = all.dimension(2);
      logits = new float[rows][];
      for (int row = 0; row < rows; row++) {
        int offset = (row * length + length - 1) * vocabulary;
        logits[row] = Arrays.copyOfRange(all.values(), offset, offset + vocabulary);
      }
      if (cache) {
        Map<String, NativeTensor> present = new LinkedHashMap<>();
        for (String input : pastShapes.keySet()) {
          present.put(input, outputs.kept(PRESENT + input.substring(PAST.length())));
        }
        replacePast(present);
      }
    }

    /** The new cache in place of the old, which no pass reads any more. */
    private void replacePast(Map<String, NativeTensor> next) {
      past.values().forEach(NativeTensor::close);
      past = next;
    }

    @Override
    public void close() {
      past = Map.of();
      if (kept != null) {
        kept.close();
      }
    }
  }

  /** Rows 0..n-1 in order: nothing to select. */
  private static boolean isIdentity(int[] rows, int current) {
    if (rows.length != current) {
      return false;
    }
    for (int i = 0; i < rows.length; i++) {
      if (rows[i] != i) {
        return false;
      }
    }
    return true;
  }

  /** Rows of a [batch, ...] tensor, in this order. */
  static TensorOutputs.Tensor gatherRows(TensorOutputs.Tensor tensor, int[] rows) {
    long[] shape = tensor.shape().clone();
    int rowSize = (int) (tensor.values().length / Math.max(shape[0], 1));
    float[] values = new float[rows.length * rowSize];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(tensor.values(), rows[i] * rowSize, values, i * rowSize, rowSize);
    }
    shape[0] = rows.length;
    return new TensorOutputs.Tensor(values, shape);
  }

  private static long[] extended(long[] values, long value) {
    long[] longer = Arrays.copyOf(values, values.length + 1);
    longer[values.length] = value;
    return longer;
  }
}
