package co.backprop.engines.tensor;

import ai.djl.ndarray.NDArray;

/**
 * A float32 tensor left in the engine's memory between forward passes — a language model's KV cache
 * — so that feeding it back costs no copy through Java. Owned by its {@link NativeTensors}; closing
 * it early frees it sooner.
 */
public final class NativeTensor implements AutoCloseable {
  private final NDArray array;

  NativeTensor(NDArray array) {
    this.array = array;
  }

  NDArray array() {
    return array;
  }

  public long[] shape() {
    return array.getShape().getShape();
  }

  @Override
  public void close() {
    array.close();
  }
}
