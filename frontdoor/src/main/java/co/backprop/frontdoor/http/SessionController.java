package co.backprop.frontdoor.http;

import co.backprop.contract.task.Json;
import co.backprop.frontdoor.console.ConsoleSessions;
import co.backprop.store.Accounts;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;

/**
 * /console/session: signing in to the web console with an API key (POST), who is signed in (GET),
 * signing out (DELETE). The session lives in an HttpOnly, SameSite=Strict cookie.
 */
public final class SessionController {
  private static final int MAX_KEY_LENGTH = 200;

  private final Accounts accounts;
  private final ConsoleSessions sessions;

  public SessionController(Accounts accounts, ConsoleSessions sessions) {
    this.accounts = accounts;
    this.sessions = sessions;
  }

  public void signIn(Context ctx) {
    JsonNode key = Bodies.json(ctx).get("api_key");
    if (key == null || !key.isTextual() || key.asText().isBlank()) {
      throw ApiException.badRequest("api_key: is required (the key you call the API with)");
    }
    if (key.asText().length() > MAX_KEY_LENGTH) {
      throw ApiException.badRequest("api_key: longer than any key (" + MAX_KEY_LENGTH + " chars)");
    }
    String account =
        accounts
            .forKey(key.asText().trim())
            .orElseThrow(() -> new ApiException(401, "api_key: unknown API key"));
    ConsoleSessions.Session session =
        sessions
            .open(account)
            .orElseThrow(() -> new ApiException(503, "too many console sessions; try again later"));
    ctx.header("Set-Cookie", cookie(ctx, session.token(), sessions.lifetime().toSeconds()));
    Bodies.send(ctx, 200, view(session));
  }

  public void get(Context ctx) {
    String token = ctx.cookie(ConsoleSessions.COOKIE);
    ConsoleSessions.Session session = token == null ? null : sessions.session(token).orElse(null);
    if (session == null) {
      // Signed in with an x-api-key header, not a console session.
      Bodies.send(
          ctx,
          200,
          Json.MAPPER
              .createObjectNode()
              .put("account", ApiKeys.account(ctx))
              .putNull("expires_at"));
      return;
    }
    Bodies.send(ctx, 200, view(session));
  }

  public void signOut(Context ctx) {
    String token = ctx.cookie(ConsoleSessions.COOKIE);
    if (token != null) {
      sessions.close(token);
    }
    ctx.header("Set-Cookie", cookie(ctx, "", 0));
    Bodies.send(ctx, 200, Json.MAPPER.createObjectNode().put("signed_out", true));
  }

  private static ObjectNode view(ConsoleSessions.Session session) {
    return Json.MAPPER
        .createObjectNode()
        .put("account", session.account())
        .put("expires_at", session.expiresAt().toString());
  }

  /** Secure when the client reached us over HTTPS (directly or through a proxy that says so). */
  private static String cookie(Context ctx, String value, long maxAgeSeconds) {
    boolean https =
        ctx.scheme().equals("https") || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
    return ConsoleSessions.COOKIE
        + "="
        + value
        + "; Path=/; Max-Age="
        + maxAgeSeconds
        + "; HttpOnly; SameSite=Strict"
        + (https ? "; Secure" : "");
  }
}
