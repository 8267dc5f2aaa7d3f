package co.backprop.engines.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * The owner of the {@link NativeTensor}s of one generation session: a scope in the model's engine
 * memory that outlives single forward passes (whose own memory is freed when each ends). Closing it
 * frees every tensor it kept.
 */
public final class NativeTensors implements AutoCloseable {
  private final NDManager manager;

  public NativeTensors(NDManager modelManager) {
    this.manager = modelManager.newSubManager();
  }

  /** Moves a forward pass's output into this scope. */
  NativeTensor keep(NDArray output) {
    output.attach(manager);
    return new NativeTensor(output);
  }

  /**
   * One [rows, heads, length, size] tensor in this scope, gathered from others of that layout: row
   * {@code i} is row {@code rows[i]} of {@code sources.get(source[i])}, right-aligned along the
   * length axis to the longest source, with zeros before it. A left-padded KV cache assembled from
   * prompts that were read apart, or (one source) the rows a batch keeps when a sequence ends or
   * beams reorder. Two copies: each source out of the engine, then into a direct buffer that the
   * engine's new tensor uses as it is (a float[] in between took two more).
   */
  public NativeTensor rightAligned(List<NativeTensor> sources, int[] source, int[] rows) {
    long[] first = sources.get(0).shape();
    int heads = (int) first[1];
    int size = (int) first[3];
    int longest = sources.stream().mapToInt(tensor -> (int) tensor.shape()[2]).max().orElse(0);
    List<FloatBuffer> values =
        sources.stream()
            .map(tensor -> tensor.array().toByteBuffer().order(ByteOrder.nativeOrder()))
            .map(ByteBuffer::asFloatBuffer)
            .toList();
    // Direct, so zeroed, and taken by the engine without a copy.
    ByteBuffer bytes =
        manager
            .allocateDirect(rows.length * heads * longest * size * Float.BYTES)
            .order(ByteOrder.nativeOrder());
    FloatBuffer gathered = bytes.asFloatBuffer();
    for (int i = 0; i < rows.length; i++) {
      int length = (int) sources.get(source[i]).shape()[2];
      FloatBuffer from = values.get(source[i]);
      for (int head = 0; head < heads; head++) {
        gathered.put(
            ((i * heads + head) * longest + longest - length) * size,
            from,
            ((rows[i] * heads + head) * length) * size,
            length * size);
      }
    }
    return new NativeTensor(
        manager.create(bytes, new Shape(rows.length, heads, longest, size), DataType.FLOAT32));
  }

  @Override
  public void close() {
    manager.close();
  }
}
