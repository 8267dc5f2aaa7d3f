package co.backprop.engines.tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named inputs of one forward pass: Java arrays (int64, float32 or bool, with their shapes) or
 * tensors kept in the engine from an earlier pass; and which outputs to keep there in turn.
 */
public final class TensorInputs {
  record Tensor(Object values, long[] shape) {}

  /** Outputs whose names start with {@code prefix} stay in the engine, owned by {@code owner}. */
  record Keep(String prefix, NativeTensors owner) {}

  private final Map<String, Tensor> byName = new LinkedHashMap<>();
  private Keep keep;

  public TensorInputs add(String name, long[] values, long... shape) {
    byName.put(name, new Tensor(values, shape));
    return this;
  }

  public TensorInputs add(String name, float[] values, long... shape) {
    byName.put(name, new Tensor(values, shape));
    return this;
  }

  public TensorInputs add(String name, boolean[] values, long... shape) {
    byName.put(name, new Tensor(values, shape));
    return this;
  }

  /** A tensor an earlier pass kept: fed as it is, without a copy. */
  public TensorInputs add(String name, NativeTensor tensor) {
    byName.put(name, new Tensor(tensor.array(), tensor.shape()));
    return this;
  }

  /**
   * Outputs named {@code prefix...} are not copied out but kept in the engine, owned by {@code
   * owner}; {@link TensorOutputs#kept} gives them.
   */
  public TensorInputs keepOutputs(String prefix, NativeTensors owner) {
    this.keep = new Keep(prefix, owner);
    return this;
  }

  Map<String, Tensor> tensors() {
    return byName;
  }

  Keep keep() {
    return keep;
  }
}
