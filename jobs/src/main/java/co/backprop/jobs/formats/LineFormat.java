package co.backprop.jobs.formats;

import co.backprop.engines.pipeline.CompletedRow;
import co.backprop.engines.pipeline.PendingRow;
import co.backprop.jobs.formats.InputHash.Hashed;
import co.backprop.jobs.input.JobPlan;
import java.io.Serializable;
import java.util.List;

/**
 * How one kind of JSON-lines input becomes pending rows, and completed rows become output lines.
 */
public interface LineFormat<C> extends Serializable {
  /**
   * The row of one non-blank line with its {@link InputHash}; {@code line} is 1-based. Never throws
   * for bad content.
   */
  PendingRow<Hashed<C>> read(long line, String text, JobPlan plan);

  /** The output lines of one completed row (one per item). */
  List<String> write(CompletedRow<Hashed<C>> row, JobPlan plan);

  /** The input hash of one line: what its result rows will record. */
  default String inputHash(long line, String text, JobPlan plan) {
    return read(line, text, plan).carrier().inputHash();
  }
}
