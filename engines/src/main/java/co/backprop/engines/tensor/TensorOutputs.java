package co.backprop.engines.tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A forward pass's outputs: copied out of native memory (name → values and shape), or kept there
 * when the inputs asked for it.
 */
public final class TensorOutputs {
  public record Tensor(float[] values, long[] shape) {
    public int dimension(int axis) {
      return (int) shape[axis];
    }
  }

  private final Map<String, Tensor> byName = new LinkedHashMap<>();
  private final Map<String, NativeTensor> kept = new LinkedHashMap<>();

  void put(String name, Tensor tensor) {
    byName.put(name, tensor);
  }

  void keep(String name, NativeTensor tensor) {
    kept.put(name, tensor);
  }

  /** The named output kept in the engine ({@link TensorInputs#keepOutputs}), or an error. */
  public NativeTensor kept(String name) {
    return found(kept.get(name), name);
  }

  /** The output, or an error naming every output the model has. */
  private <T> T found(T output, String name) {
    if (output == null) {
      List<String> names = new ArrayList<>(byName.keySet());
      names.addAll(kept.keySet());
      throw new IllegalStateException(
          "the model has no output '" + name + "'; its outputs are " + names);
    }
    return output;
  }

  /** The named output; the first one when the model names it otherwise. */
  public Tensor get(String name) {
    Tensor tensor = byName.get(name);
    if (tensor == null) {
      if (byName.isEmpty()) {
        throw new IllegalStateException("the model produced no output");
      }
      return byName.values().iterator().next();
    }
    return tensor;
  }

  /** The named output, or an error listing the outputs the model has. */
  public Tensor require(String name) {
    return found(byName.get(name), name);
  }
}
