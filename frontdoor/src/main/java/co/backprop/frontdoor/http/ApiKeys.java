package co.backprop.frontdoor.http;

import co.backprop.contract.account.Account;
import co.backprop.store.Accounts;
import co.backprop.store.Store;
import io.javalin.http.Context;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@code x-api-key} → account, for every route but the public ones; 401 otherwise. */
public final class ApiKeys {
  static final String ACCOUNT = "account";

  // Keys are never changed once made: a known one is remembered a while instead of read per call.
  private static final long REMEMBER_MILLIS = 60_000;

  private record Known(String account, long sinceMillis) {}

  private final Accounts accounts;
  private final Map<String, Known> known = new ConcurrentHashMap<>();

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
    ctx.attribute(ACCOUNT, accountOf(key.trim()));
  }

  private String accountOf(String key) {
    Known cached = known.get(key);
    long now = System.currentTimeMillis();
    if (cached != null && now - cached.sinceMillis() < REMEMBER_MILLIS) {
      return cached.account();
    }
    String account =
        accounts.forKey(key).orElseThrow(() -> new ApiException(401, "x-api-key: unknown API key"));
    if (known.size() > 10_000) {
      known.clear(); // a bound, not an eviction policy: keys are few
    }
    known.put(key, new Known(account, now));
    return account;
  }

  static String account(Context ctx) {
    return ctx.attribute(ACCOUNT);
  }

  /** The calling account as the operator set it up: its limit and grants. */
  static Account owner(Context ctx, Store store) {
    return store
        .accounts()
        .account(account(ctx))
        .orElseThrow(() -> new ApiException(401, "x-api-key: unknown API key"));
  }
}
