package co.backprop.engines.runner;

import static java.util.Objects.requireNonNull;

import co.backprop.contract.model.ModelException;
import java.util.function.Supplier;

/**
 * A catalog model ready in this JVM, shared by its concurrent tasks: each task opens its own {@link
 * ModelRunner}; the weights underneath are not copied. A model the cache retires (its files were
 * replaced or deleted) opens no more runners and closes when its last open runner does.
 */
public final class LoadedModel implements AutoCloseable {
  private final String device;
  private final Supplier<ModelRunner<?>> runners;
  private final AutoCloseable resources;
  private int openRunners;
  private boolean retired;
  private boolean closed;
  private Runnable afterClose = () -> {};

  /**
   * @param resources what this model owns beyond the shared weights (e.g. its tokenizer)
   */
  public LoadedModel(String device, Supplier<ModelRunner<?>> runners, AutoCloseable resources) {
    this.device = requireNonNull(device, "device is null");
    this.runners = requireNonNull(runners, "runners is null");
    this.resources = requireNonNull(resources, "resources is null");
  }

  public synchronized ModelRunner<?> newRunner() {
    if (retired) {
      throw new ModelException(
          ModelException.Kind.NOT_INSTALLED,
          "the model's files were replaced or removed since it was loaded");
    }
    ModelRunner<?> runner = runners.get();
    if (runner instanceof LeasedRunner<?> leased) {
      openRunners++;
      leased.onClose(this::released);
    }
    return runner;
  }

  /** The device the model runs on, as results record it: {@code cpu} or {@code gpu:N}. */
  public String device() {
    return device;
  }

  /** Retired from the cache: no new runners; runners still open go on until they close. */
  public synchronized boolean retired() {
    return retired;
  }

  public synchronized boolean isClosed() {
    return closed;
  }

  /**
   * Opens no more runners and closes once none is open; {@code afterClose} runs then (the cache
   * closes the weights after their last model).
   */
  synchronized void retire(Runnable afterClose) {
    retired = true;
    this.afterClose = afterClose;
    if (openRunners == 0) {
      close();
    }
  }

  private synchronized void released() {
    openRunners--;
    if (retired && openRunners == 0) {
      close();
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      resources.close();
    } catch (Exception e) {
      throw new IllegalStateException("cannot close a model", e);
    } finally {
      afterClose.run();
    }
  }
}
