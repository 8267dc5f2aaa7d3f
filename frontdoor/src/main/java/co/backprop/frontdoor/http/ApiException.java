package co.backprop.frontdoor.http;

/**
 * An answer other than 200: its status and the message of the JSON body {@code {"message": ...}}.
 */
public final class ApiException extends RuntimeException {
  private final int status;
  private final boolean bareString;

  public ApiException(int status, String message) {
    this(status, message, false);
  }

  private ApiException(int status, String message, boolean bareString) {
    super(message);
    this.status = status;
    this.bareString = bareString;
  }

  public int status() {
    return status;
  }

  /**
   * Whether the body is the message as a JSON string (the seed's ModelResponse404) rather than
   * {"message"}.
   */
  public boolean bareString() {
    return bareString;
  }

  /** The seed's 404 for models: the body is the JSON string "model NAME not found". */
  public static ApiException modelNotFound(String name) {
    return new ApiException(404, "model " + name + " not found", true);
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, message);
  }
}
