package co.backprop.common.runner;

/**
 * A model loaded once in a JVM and shared by its concurrent tasks. Each task opens its own {@link
 * ModelRunner}; the weights are not copied.
 */
public interface LoadedModel extends AutoCloseable {
  ModelRunner<?> newRunner();

  /** The device the model runs on, as results record it: {@code cpu} or {@code gpu:N}. */
  String device();

  @Override
  void close();
}
