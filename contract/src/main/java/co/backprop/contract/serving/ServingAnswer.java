package co.backprop.contract.serving;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A serving process's answer to a {@link ServingCall}.
 *
 * @param response the API's response body (status OK)
 * @param error what the client is told (status ERROR or UNAVAILABLE)
 * @param model the model that ran, as jobs name it in results and usage
 * @param computeMs the forward-pass time billed for the items that ran (each item its share of its
 *     micro-batch by tokens, as in jobs)
 * @param items the items computed and billed
 */
public record ServingAnswer(
    Status status, JsonNode response, String error, String model, double computeMs, int items) {
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

  public ServingAnswer {
    requireNonNull(status, "status is null");
  }

  public static ServingAnswer busy(String why) {
    return new ServingAnswer(Status.BUSY, null, why, null, 0, 0);
  }

  public static ServingAnswer unavailable(String why) {
    return new ServingAnswer(Status.UNAVAILABLE, null, why, null, 0, 0);
  }
}
