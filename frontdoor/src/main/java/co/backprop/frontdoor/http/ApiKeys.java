package co.backprop.frontdoor.http;

import co.backprop.store.Accounts;
import io.javalin.http.Context;

/** {@code x-api-key} → account, for every route but the public ones; 401 otherwise. */
public final class ApiKeys {
  static final String ACCOUNT = "account";

  private final Accounts accounts;

  public ApiKeys(Accounts accounts) {
    this.accounts = accounts;
  }

  public void authenticate(Context ctx) {
    String path = ctx.path();
    if (path.equals("/openapi.json") || path.startsWith("/uploads/") || path.equals("/health")) {
      return; // an upload URL is its own credential, as a presigned URL is
    }
    String key = ctx.header("x-api-key");
    if (key == null || key.isBlank()) {
      throw new ApiException(401, "x-api-key: an API key is required");
    }
    String account =
        accounts
            .forKey(key.trim())
            .orElseThrow(() -> new ApiException(401, "x-api-key: unknown API key"));
    ctx.attribute(ACCOUNT, account);
  }

  static String account(Context ctx) {
    return ctx.attribute(ACCOUNT);
  }
}
