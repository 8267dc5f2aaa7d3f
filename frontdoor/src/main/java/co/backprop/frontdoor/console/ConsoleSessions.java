package co.backprop.frontdoor.console;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The web console's sign-ins: an API key exchanged for a random session token, kept in this front
 * door's memory until it expires or its owner signs out. The token travels only in an HttpOnly,
 * SameSite=Strict cookie, so page scripts never see it and other sites' pages never send it.
 */
public final class ConsoleSessions {
  public static final String COOKIE = "backprop_session";

  public record Session(String token, String account, Instant expiresAt) {}

  private final Map<String, Session> byToken = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final Clock clock;
  private final Duration lifetime;
  private final int maxSessions;

  public ConsoleSessions(Clock clock, Duration lifetime, int maxSessions) {
    this.clock = clock;
    this.lifetime = lifetime;
    this.maxSessions = maxSessions;
  }

  public Duration lifetime() {
    return lifetime;
  }

  /** A new session for the account; empty when this front door holds its maximum already. */
  public Optional<Session> open(String account) {
    if (byToken.size() >= maxSessions) {
      Instant now = clock.instant();
      byToken.values().removeIf(session -> !session.expiresAt().isAfter(now));
      if (byToken.size() >= maxSessions) {
        return Optional.empty();
      }
    }
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Session session = new Session(token, account, clock.instant().plus(lifetime));
    byToken.put(token, session);
    return Optional.of(session);
  }

  /** The live session of this token; an expired one is forgotten. */
  public Optional<Session> session(String token) {
    Session session = byToken.get(token);
    if (session == null) {
      return Optional.empty();
    }
    if (!session.expiresAt().isAfter(clock.instant())) {
      byToken.remove(token);
      return Optional.empty();
    }
    return Optional.of(session);
  }

  public void close(String token) {
    byToken.remove(token);
  }
}
