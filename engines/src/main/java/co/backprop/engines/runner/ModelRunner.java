package co.backprop.engines.runner;

import co.backprop.contract.task.SingleRequest;
import co.backprop.contract.task.TaskOutput;
import java.util.List;

/**
 * Runs one loaded model for one thread (a Spark task): not thread-safe, opened per partition and
 * closed when the partition is done.
 */
public interface ModelRunner<P extends PreparedInput> extends AutoCloseable {
  /**
   * Tokenises one request. Throws {@link co.backprop.contract.task.InvalidRequestException} when
   * the request cannot be run by this model.
   */
  P prepare(SingleRequest request);

  /** Runs one micro-batch; the outputs are in the order of {@code batch}. */
  List<TaskOutput> run(List<P> batch);

  @Override
  void close();
}
