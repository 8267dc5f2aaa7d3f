package co.backprop.engines.pipeline;

import co.backprop.contract.task.TaskOutput;

/**
 * The outcome of one item: an output, or an error message naming the field or cause.
 *
 * @param computeMs this item's share of its micro-batch's forward-pass wall time (by tokens)
 */
public record ItemResult(
    String error,
    TaskOutput output,
    String model,
    String device,
    double computeMs,
    boolean truncated,
    int tokens) {

  public static ItemResult failed(String model, String error) {
    return new ItemResult(error, null, model, null, 0, false, 0);
  }

  public boolean ok() {
    return error == null;
  }

  public String status() {
    return ok() ? "ok" : "error";
  }
}
