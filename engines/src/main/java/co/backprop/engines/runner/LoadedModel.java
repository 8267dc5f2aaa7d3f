package co.backprop.engines.runner;

import static java.util.Objects.requireNonNull;

import java.util.function.Supplier;

/**
 * A catalog model ready in this JVM, shared by its concurrent tasks: each task opens its own {@link
 * ModelRunner}; the weights underneath are not copied.
 */
public final class LoadedModel implements AutoCloseable {
  private final String device;
  private final Supplier<ModelRunner<?>> runners;
  private final AutoCloseable resources;

  /**
   * @param resources what this model owns beyond the shared weights (e.g. its tokenizer)
   */
  public LoadedModel(String device, Supplier<ModelRunner<?>> runners, AutoCloseable resources) {
    this.device = requireNonNull(device, "device is null");
    this.runners = requireNonNull(runners, "runners is null");
    this.resources = requireNonNull(resources, "resources is null");
  }

  public ModelRunner<?> newRunner() {
    return runners.get();
  }

  /** The device the model runs on, as results record it: {@code cpu} or {@code gpu:N}. */
  public String device() {
    return device;
  }

  @Override
  public void close() {
    try {
      resources.close();
    } catch (Exception e) {
      throw new IllegalStateException("cannot close a model", e);
    }
  }
}
