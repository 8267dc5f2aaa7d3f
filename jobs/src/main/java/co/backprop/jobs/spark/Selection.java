package co.backprop.jobs.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * The input rows a run processes: all of them, or, when rows have ids ({@link InputIds}), with
 * repeated ids refused or reduced to their first row, and rows done before with the same input hash
 * left out. A filtered selection is persisted: it is counted, then run.
 */
public final class Selection {
  private final Dataset<Row> rows;
  private final long inputRows;
  private final long selected;
  private final long duplicatesDropped;
  private final boolean filtered;

  private final Changes changes;

  /**
   * Why the selected rows of an incremental run run: their id is new, or was done with another
   * input hash (changed), or had error results (retried). Rows without an id count as new.
   */
  public record Changes(long added, long changed, long retried) {}

  private Selection(
      Dataset<Row> rows,
      long inputRows,
      long selected,
      long duplicatesDropped,
      boolean filtered,
      Changes changes) {
    this.rows = rows;
    this.inputRows = inputRows;
    this.selected = selected;
    this.duplicatesDropped = duplicatesDropped;
    this.filtered = filtered;
    this.changes = changes;
  }

  /** Every input row. */
  public static Selection all(long inputRows, Dataset<Row> rows) {
    return new Selection(rows, inputRows, inputRows, 0, false, new Changes(inputRows, 0, 0));
  }

  public static Selection all(long inputRows) {
    return all(inputRows, null);
  }

  /**
   * Checks the ids before any model runs.
   *
   * @param ids input rows with {@link InputIds#ID} and {@link InputIds#ORDER}, and {@link
   *     InputIds#HASH} when there is a previous index; built only when there is something to check
   * @param dedupe keep each repeated id's first row instead of refusing the input
   * @param previous the live runs' index ({@link RunIndexes#latest}), or null
   * @param idsUnique the ids are already known to be all different (the survey proved it): the
   *     duplicate check is skipped, and without a previous index no Spark SQL query runs at all
   * @throws IllegalArgumentException listing repeated ids, unless {@code dedupe}
   */
  public static Selection of(
      Supplier<Dataset<Row>> ids,
      long inputRows,
      boolean dedupe,
      Dataset<Row> previous,
      boolean idsUnique) {
    if (idsUnique && previous == null) {
      return all(inputRows);
    }
    Dataset<Row> rows = ids.get();
    InputIds.Duplicates duplicates = inputRows > 1 && !idsUnique ? InputIds.duplicates(rows) : null;
    if (duplicates != null && !dedupe) {
      throw new IllegalArgumentException(duplicates.message());
    }
    if (duplicates == null && previous == null) {
      return all(inputRows, rows);
    }
    Dataset<Row> selected = duplicates == null ? rows : InputIds.firstOccurrences(rows);
    long dropped = duplicates == null ? 0 : duplicates.extraRows();
    if (previous == null) {
      selected = selected.persist(StorageLevel.MEMORY_AND_DISK());
      long count = selected.count();
      return new Selection(selected, inputRows, count, dropped, true, new Changes(count, 0, 0));
    }
    // A row runs unless its id was done (every result ok) with the same input hash.
    Column known = col(RunIndexes.ID).isNotNull();
    Column skip =
        known.and(col(RunIndexes.OK)).and(col(RunIndexes.HASH).equalTo(col(InputIds.HASH)));
    Dataset<Row> joined =
        selected
            .join(previous, selected.col(InputIds.ID).equalTo(previous.col(RunIndexes.ID)), "left")
            .filter(not(skip))
            .withColumn(
                WHY,
                when(not(known), "added").when(col(RunIndexes.OK), "changed").otherwise("retried"))
            .drop(RunIndexes.ID, RunIndexes.HASH, RunIndexes.OK)
            .persist(StorageLevel.MEMORY_AND_DISK());
    Map<String, Long> counts = new HashMap<>();
    joined
        .groupBy(WHY)
        .count()
        .collectAsList()
        .forEach(r -> counts.put(r.getString(0), r.getLong(1)));
    Changes changes =
        new Changes(
            counts.getOrDefault("added", 0L),
            counts.getOrDefault("changed", 0L),
            counts.getOrDefault("retried", 0L));
    long count = changes.added() + changes.changed() + changes.retried();
    return new Selection(joined, inputRows, count, dropped, true, changes);
  }

  private static final String WHY = "__backprop_why";

  public Changes changes() {
    return changes;
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

  /** Rows left out because their id was done before with the same input hash. */
  public long skippedDone() {
    return inputRows - duplicatesDropped - selected;
  }

  /** Frees the persisted rows; call when the run is over. */
  public void release() {
    if (filtered) {
      rows.unpersist();
    }
  }
}
