package co.backprop.engines.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

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

  /**
   * The rows of this [batch, ...] tensor at these indices, in this order (an index may repeat), as
   * a new tensor of the same owner. One copy through Java memory: done only when the rows change.
   */
  public NativeTensor rows(int[] rows) {
    long[] shape = shape();
    float[] values = array.toFloatArray();
    int rowSize = shape[0] == 0 ? 0 : (int) (values.length / shape[0]);
    float[] kept = new float[rows.length * rowSize];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(values, rows[i] * rowSize, kept, i * rowSize, rowSize);
    }
    shape[0] = rows.length;
    return new NativeTensor(array.getManager().create(kept, new Shape(shape)));
  }

  @Override
  public void close() {
    array.close();
  }
}
