package co.backprop.frontdoor.http;

import io.javalin.http.Context;

/**
 * The {@code Idempotency-Key} header of a job or task call, checked where it enters: at most 255
 * printable ASCII characters (the store's column), otherwise a 400 naming the header.
 */
final class IdempotencyKeys {
  static final String HEADER = "Idempotency-Key";
  static final int MAX_LENGTH = 255;

  private IdempotencyKeys() {}

  /** The caller's key, or null when the call has none. */
  static String of(Context ctx) {
    String key = ctx.header(HEADER);
    if (key == null) {
      return null;
    }
    if (key.isBlank() || key.length() > MAX_LENGTH) {
      throw ApiException.badRequest(
          HEADER + ": must be 1-" + MAX_LENGTH + " characters but has " + key.length());
    }
    if (!key.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
      throw ApiException.badRequest(HEADER + ": must be printable ASCII characters");
    }
    return key;
  }
}
