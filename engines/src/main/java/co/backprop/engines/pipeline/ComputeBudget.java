package co.backprop.engines.pipeline;

import co.backprop.contract.task.Task;
import java.io.Serializable;

/**
 * The compute a job may still spend (an account's monthly limit, less what it used). The pipeline
 * reserves each micro-batch before running it and reports its forward-pass time after; once the
 * budget is spent (counting the batches already running), rows not yet run come out as {@code
 * quota: ...} error rows instead. A job overshoots by at most the last micro-batch it was granted.
 */
public interface ComputeBudget extends Serializable {
  /** Leave to run one micro-batch, with what it was expected to cost. */
  record Ticket(Task task, String model, long paddedTokens, double estimatedMs)
      implements Serializable {}

  /**
   * Leave to run a micro-batch of {@code paddedTokens} (rows × longest row), or null when the
   * budget is spent.
   */
  Ticket reserve(Task task, String model, long paddedTokens);

  /**
   * Records a micro-batch run on a ticket: its forward-pass wall time and the items it computed.
   */
  void spent(Ticket ticket, double computeMs, int items);

  /** The error of a row not run because the budget was spent, starting {@code quota: }. */
  String exhaustedError();

  /** No limit: every row runs. */
  enum Unlimited implements ComputeBudget {
    INSTANCE;

    @Override
    public Ticket reserve(Task task, String model, long paddedTokens) {
      return new Ticket(task, model, paddedTokens, 0);
    }

    @Override
    public void spent(Ticket ticket, double computeMs, int items) {}

    @Override
    public String exhaustedError() {
      throw new IllegalStateException("an unlimited budget is never exhausted");
    }
  }
}
