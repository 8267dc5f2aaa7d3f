package co.backprop.frontdoor.http;

import co.backprop.contract.account.Account;
import co.backprop.frontdoor.console.ConsoleSessions;
import co.backprop.store.Accounts;
import co.backprop.store.Store;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code x-api-key} → account, or the web console's session cookie → account, for every route but
 * the public ones; 401 otherwise.
 */
public final class ApiKeys {
  static final String ACCOUNT = "account";

  // Keys are never changed once made: a known one is remembered a while instead of read per call.
  private static final long REMEMBER_MILLIS = 60_000;

  private record Known(String account, long sinceMillis) {}

  /** The header the console's own requests carry: a cross-site form cannot set it. */
  static final String CONSOLE_HEADER = "x-requested-with";

  static final String CONSOLE_HEADER_VALUE = "backprop-console";

  private final Accounts accounts;
  private final ConsoleSessions sessions;
  private final Map<String, Known> known = new ConcurrentHashMap<>();

  public ApiKeys(Accounts accounts, ConsoleSessions sessions) {
    this.accounts = accounts;
    this.sessions = sessions;
  }

  public void authenticate(Context ctx) {
    String path = ctx.path();
    if (path.equals("/openapi.json") || path.startsWith("/uploads/") || path.equals("/health")) {
      return; // an upload URL is its own credential, as a presigned URL is
    }
    if (isConsolePage(path) || (path.equals(SESSION) && HandlerType.POST.equals(ctx.method()))) {
      return; // the console's files and its sign-in are public; what they show is not
    }
    String key = ctx.header("x-api-key");
    if (key != null && !key.isBlank()) {
      ctx.attribute(ACCOUNT, accountOf(key.trim()));
      return;
    }
    String token = ctx.cookie(ConsoleSessions.COOKIE);
    if (token == null || token.isEmpty()) {
      throw new ApiException(401, "x-api-key: an API key is required");
    }
    ConsoleSessions.Session session =
        sessions
            .session(token)
            .orElseThrow(
                () -> new ApiException(401, "session: expired or signed out; sign in again"));
    // SameSite=Strict keeps other sites' requests from carrying the cookie; the header is a second
    // lock for browsers that do not know SameSite.
    boolean reads = HandlerType.GET.equals(ctx.method()) || HandlerType.HEAD.equals(ctx.method());
    if (!reads && !CONSOLE_HEADER_VALUE.equals(ctx.header(CONSOLE_HEADER))) {
      throw new ApiException(
          403,
          CONSOLE_HEADER + ": a console session's changes need '" + CONSOLE_HEADER_VALUE + "'");
    }
    ctx.attribute(ACCOUNT, session.account());
  }

  static final String SESSION = "/console/session";

  /** The page and its files: /console and /console/NAME, but not the session API. */
  private static boolean isConsolePage(String path) {
    return path.equals("/console")
        || (path.startsWith("/console/") && !path.equals(SESSION) && path.indexOf('/', 9) < 0);
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
