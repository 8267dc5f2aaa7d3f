package co.backprop.engines.tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/** Named inputs of one forward pass, as Java arrays: int64, float32 or bool, with their shapes. */
public final class TensorInputs {
  record Tensor(Object values, long[] shape) {}

  private final Map<String, Tensor> byName = new LinkedHashMap<>();

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

  Map<String, Tensor> tensors() {
    return byName;
  }
}
