package co.backprop.engines.pipeline;

import co.backprop.contract.task.TaskOutput;

/**
 * The outcome of one item: an output, or an error message naming the field or cause.
 *
 * @param failure why the item has no output; null when it has one
 * @param computeMs this item's share of its micro-batch's forward-pass wall time (by tokens)
 */
public record ItemResult(
    String error,
    Failure failure,
    TaskOutput output,
    String model,
    String device,
    double computeMs,
    boolean truncated,
    int tokens) {

  /** Whose the failure is: the API answers a row's with 400, an unavailable model's with 503. */
  public enum Failure {
    /** The row itself: a field, its length, a quota, or what it did to the model. */
    ROW,
    /**
     * The model could not be had when the row ran (a serving window: it was replaced or deleted
     * after the call was cleared). Nothing the caller sends differently would help.
     */
    MODEL_UNAVAILABLE
  }

  public ItemResult {
    if ((error == null) != (failure == null)) {
      throw new IllegalArgumentException("an error and its failure go together");
    }
  }

  public static ItemResult failed(String model, String error) {
    return new ItemResult(error, Failure.ROW, null, model, null, 0, false, 0);
  }

  public static ItemResult modelUnavailable(String model, String error) {
    return new ItemResult(error, Failure.MODEL_UNAVAILABLE, null, model, null, 0, false, 0);
  }

  public static ItemResult computed(
      TaskOutput output,
      String model,
      String device,
      double computeMs,
      boolean truncated,
      int tokens) {
    return new ItemResult(null, null, output, model, device, computeMs, truncated, tokens);
  }

  public boolean ok() {
    return error == null;
  }

  public String status() {
    return ok() ? "ok" : "error";
  }
}
