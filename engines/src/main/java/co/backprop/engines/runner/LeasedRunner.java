package co.backprop.engines.runner;

/**
 * A runner that tells its model when it closes: a model retired from the cache (its upload replaced
 * or deleted) is closed only once no runner is still in a pass on it.
 */
abstract class LeasedRunner<P extends PreparedInput> implements ModelRunner<P> {
  private Runnable onClose = () -> {};
  private boolean closed;

  final void onClose(Runnable hook) {
    onClose = hook;
  }

  /** Closes what this runner holds (its predictors), never the shared weights. */
  protected abstract void release();

  @Override
  public final void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      release();
    } finally {
      onClose.run();
    }
  }
}
