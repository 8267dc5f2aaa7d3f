package co.backprop.frontdoor.console;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The console's page, script and style sheet, read from the jar once. Only these names are served
 * (no path from the request reaches a file system), with a content security policy that lets the
 * page load nothing but them and talk to nothing but this front door.
 */
public final class ConsoleAssets {
  private record Asset(byte[] bytes, String contentType) {}

  private static final String POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

  private final Map<String, Asset> assets = new LinkedHashMap<>();

  public ConsoleAssets() {
    assets.put("index.html", load("index.html", "text/html; charset=utf-8"));
    assets.put("console.js", load("console.js", "text/javascript; charset=utf-8"));
    assets.put("console.css", load("console.css", "text/css; charset=utf-8"));
  }

  private static Asset load(String name, String contentType) {
    try (InputStream in = ConsoleAssets.class.getResourceAsStream("/console/" + name)) {
      if (in == null) {
        throw new IllegalStateException("the console's " + name + " is missing from the jar");
      }
      return new Asset(in.readAllBytes(), contentType);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** GET /console: the page. */
  public void page(Context ctx) {
    send(ctx, assets.get("index.html"));
  }

  /** GET /console/{file}: the script or the style sheet; anything else is not found. */
  public boolean file(Context ctx) {
    Optional<Asset> asset = Optional.ofNullable(assets.get(ctx.pathParam("file")));
    asset.ifPresent(found -> send(ctx, found));
    return asset.isPresent();
  }

  private static void send(Context ctx, Asset asset) {
    ctx.header("Content-Security-Policy", POLICY)
        .header("X-Content-Type-Options", "nosniff")
        .header("Referrer-Policy", "no-referrer")
        .header("Cache-Control", "no-cache")
        .status(200)
        .contentType(asset.contentType())
        .result(asset.bytes());
  }
}
