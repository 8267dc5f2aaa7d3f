package co.backprop.engines.pipeline;

import java.util.List;

/**
 * One input row: what the caller needs back to write the row ({@code carrier}: the input columns,
 * line number, id...) and its items (one, or several for a batch-variant body).
 */
public record PendingRow<C>(C carrier, List<PendingItem> items) {
  public PendingRow {
    items = List.copyOf(items);
  }

  public static <C> PendingRow<C> of(C carrier, PendingItem item) {
    return new PendingRow<>(carrier, List.of(item));
  }
}
