package co.backprop.contract.task;

/**
 * One item of a parsed body: a valid single request, or the reason this item is invalid. A batch
 * body with one bad item still yields its good items, so a job loses nothing.
 */
public record BodyItem(SingleRequest request, InvalidRequestException error) {
  public BodyItem {
    if ((request == null) == (error == null)) {
      throw new IllegalArgumentException("exactly one of request and error must be set");
    }
  }

  public static BodyItem valid(SingleRequest request) {
    return new BodyItem(request, null);
  }

  public static BodyItem invalid(InvalidRequestException error) {
    return new BodyItem(null, error);
  }

  public boolean isValid() {
    return request != null;
  }
}
