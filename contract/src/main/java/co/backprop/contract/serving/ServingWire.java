package co.backprop.contract.serving;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * How a {@link ServingAnswer} crosses HTTP between a serving process and a front door: its fields
 * as headers, and as the body the API response (OK) or the message (any other status). The one
 * place that knows the layout, for both ends.
 */
public final class ServingWire {
  public static final String STATUS = "Backprop-Serving-Status";
  public static final String MODEL = "Backprop-Serving-Model";
  public static final String COMPUTE_MS = "Backprop-Serving-Compute-Ms";
  public static final String ITEMS = "Backprop-Serving-Items";

  /** The request header a caller shows the process's secret in (see the serving registry). */
  public static final String SECRET = "Backprop-Serving-Secret";

  private ServingWire() {}

  /** The headers of an answer; the body is {@link #body}. */
  public static Map<String, String> headers(ServingAnswer answer) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(STATUS, answer.status().name());
    if (answer.model() != null) {
      headers.put(MODEL, answer.model());
    }
    headers.put(COMPUTE_MS, String.format(Locale.ROOT, "%.3f", answer.computeMs()));
    headers.put(ITEMS, Integer.toString(answer.items()));
    return headers;
  }

  public static byte[] body(ServingAnswer answer) {
    return answer.status() == ServingAnswer.Status.OK
        ? answer.response()
        : answer.error().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * An answer from its headers ({@code header} returns null for a missing one) and body.
   *
   * @throws IllegalArgumentException when the headers are not a serving process's
   */
  public static ServingAnswer read(Function<String, String> header, byte[] body) {
    String status = header.apply(STATUS);
    if (status == null) {
      throw new IllegalArgumentException("no " + STATUS + " header: not a serving process");
    }
    ServingAnswer.Status parsed = ServingAnswer.Status.valueOf(status);
    String computeMs = header.apply(COMPUTE_MS);
    String items = header.apply(ITEMS);
    return new ServingAnswer(
        parsed,
        parsed == ServingAnswer.Status.OK ? body : null,
        parsed == ServingAnswer.Status.OK ? null : new String(body, StandardCharsets.UTF_8),
        header.apply(MODEL),
        computeMs == null ? 0 : Double.parseDouble(computeMs),
        items == null ? 0 : Integer.parseInt(items));
  }
}
