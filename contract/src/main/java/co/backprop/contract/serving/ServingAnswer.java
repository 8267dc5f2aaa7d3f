package co.backprop.contract.serving;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;

/**
 * A serving process's answer to a {@link ServingCall}. The response travels as the bytes the API
 * client receives: the front door passes them on without reading them (a vector is 384 numbers to
 * parse and print again otherwise).
 *
 * @param response the API's response body, JSON (status OK); empty otherwise
 * @param error what the client is told (status ERROR or UNAVAILABLE), or why the call was not run
 *     (BUSY)
 * @param model the model that ran, as jobs name it in results and usage
 * @param computeMs the forward-pass time billed for the items that ran (each item its share of its
 *     micro-batch by tokens, as in jobs)
 * @param items the items computed and billed
 */
public record ServingAnswer(
    Status status, byte[] response, String error, String model, double computeMs, int items) {
  /** How the call ended. */
  public enum Status {
    /** Answered: the response is the API's. */
    OK,
    /** The body was run and found wanting (an item's error): the API's 400. */
    ERROR,
    /**
     * Not run: the process is saturated or the deadline passed; the front door queues it instead.
     */
    BUSY,
    /** The model cannot be loaded here: the API's 503, with what failed. */
    UNAVAILABLE
  }

  private static final byte[] NONE = new byte[0];

  public ServingAnswer {
    requireNonNull(status, "status is null");
    response = response == null ? NONE : response;
    if (status == Status.OK && response.length == 0) {
      throw new IllegalArgumentException("an OK answer needs a response");
    }
    if (status != Status.OK && error == null) {
      throw new IllegalArgumentException("a " + status + " answer needs its error");
    }
  }

  public static ServingAnswer ok(String response, String model, double computeMs, int items) {
    return new ServingAnswer(
        Status.OK, response.getBytes(StandardCharsets.UTF_8), null, model, computeMs, items);
  }

  public static ServingAnswer error(String error, String model, double computeMs, int items) {
    return new ServingAnswer(Status.ERROR, null, error, model, computeMs, items);
  }

  public static ServingAnswer busy(String why) {
    return new ServingAnswer(Status.BUSY, null, why, null, 0, 0);
  }

  public static ServingAnswer unavailable(String why) {
    return new ServingAnswer(Status.UNAVAILABLE, null, why, null, 0, 0);
  }
}
