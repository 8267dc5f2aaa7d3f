package co.backprop.jobs.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * The input rows a run processes: all of them, or, when rows have ids ({@link InputIds}), with
 * repeated ids refused or reduced to their first row, and ids already done left out. A filtered
 * selection is persisted: it is counted, run, and its ids tell which previous results to keep.
 */
public final class Selection {
  private final Dataset<Row> rows;
  private final long inputRows;
  private final long selected;
  private final long duplicatesDropped;
  private final boolean filtered;

  private Selection(
      Dataset<Row> rows, long inputRows, long selected, long duplicatesDropped, boolean filtered) {
    this.rows = rows;
    this.inputRows = inputRows;
    this.selected = selected;
    this.duplicatesDropped = duplicatesDropped;
    this.filtered = filtered;
  }

  /** Every input row. */
  public static Selection all(long inputRows, Dataset<Row> rows) {
    return new Selection(rows, inputRows, inputRows, 0, false);
  }

  public static Selection all(long inputRows) {
    return all(inputRows, null);
  }

  /**
   * Checks the ids before any model runs.
   *
   * @param rows input rows with {@link InputIds#ID} and {@link InputIds#ORDER}
   * @param dedupe keep each repeated id's first row instead of refusing the input
   * @param doneIds ids to leave out (an incremental run's previous ok results), or null
   * @throws IllegalArgumentException listing repeated ids, unless {@code dedupe}
   */
  public static Selection of(
      Dataset<Row> rows, long inputRows, boolean dedupe, Dataset<Row> doneIds) {
    InputIds.Duplicates duplicates = inputRows > 1 ? InputIds.duplicates(rows) : null;
    if (duplicates != null && !dedupe) {
      throw new IllegalArgumentException(duplicates.message());
    }
    if (duplicates == null && doneIds == null) {
      return all(inputRows, rows);
    }
    Dataset<Row> selected = duplicates == null ? rows : InputIds.firstOccurrences(rows);
    if (doneIds != null) {
      selected = InputIds.withoutDone(selected, doneIds);
    }
    selected = selected.persist(StorageLevel.MEMORY_AND_DISK());
    long dropped = duplicates == null ? 0 : duplicates.extraRows();
    return new Selection(selected, inputRows, selected.count(), dropped, true);
  }

  /** The rows, or null for a JSON-lines input taken whole. */
  public Dataset<Row> rows() {
    return rows;
  }

  /**
   * Whether rows were left out: the rest lost their order and are sorted again by {@link
   * InputIds#ORDER}.
   */
  public boolean filtered() {
    return filtered;
  }

  public long inputRows() {
    return inputRows;
  }

  /** The rows that run. */
  public long selected() {
    return selected;
  }

  public long duplicatesDropped() {
    return duplicatesDropped;
  }

  /** Rows left out because their id was done before. */
  public long skippedDone() {
    return inputRows - duplicatesDropped - selected;
  }

  /** The ids of the rows that run, one column without nulls. */
  public Dataset<Row> processedIds() {
    return InputIds.ids(rows);
  }

  /** Frees the persisted rows; call when the run is over. */
  public void release() {
    if (filtered) {
      rows.unpersist();
    }
  }
}
