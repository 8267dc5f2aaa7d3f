package co.backprop.engines.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

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

  @Override
  public void close() {
    manager.close();
  }
}
