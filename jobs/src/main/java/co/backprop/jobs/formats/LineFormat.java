package co.backprop.jobs.formats;

import co.backprop.engines.pipeline.CompletedRow;
import co.backprop.engines.pipeline.PendingRow;
import co.backprop.jobs.input.JobPlan;
import java.io.Serializable;
import java.util.List;

/**
 * How one kind of JSON-lines input becomes pending rows, and completed rows become output lines.
 */
public interface LineFormat<C> extends Serializable {
  /** The row of one non-blank line; {@code line} is 1-based. Never throws for bad content. */
  PendingRow<C> read(long line, String text, JobPlan plan);

  /** The output lines of one completed row (one per item). */
  List<String> write(CompletedRow<C> row, JobPlan plan);
}
