package co.backprop.engines.pipeline;

import java.util.List;

/** An input row with one result per item, in the items' order. */
public record CompletedRow<C>(C carrier, List<ItemResult> results) {
  public CompletedRow {
    results = List.copyOf(results);
  }
}
