package co.backprop.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

final class JdbcAccounts implements Accounts {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{1,62}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Database database;
  private final Clock clock;

  JdbcAccounts(Database database, Clock clock) {
    this.database = database;
    this.clock = clock;
  }

  @Override
  public String create(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "account names are 2-63 characters of lowercase ascii, digits, - and _; got '"
              + name
              + "'");
    }
    byte[] secret = new byte[24];
    RANDOM.nextBytes(secret);
    String key = "bp_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    database.read(
        connection -> {
          try (PreparedStatement insert =
              connection.prepareStatement(
                  "INSERT INTO accounts (name, key_hash, created_at) VALUES (?, ?, ?)")) {
            insert.setString(1, name);
            insert.setString(2, hash(key));
            insert.setLong(3, clock.millis());
            insert.executeUpdate();
          } catch (SQLException e) {
            if (Database.isUniqueViolation(e)) {
              throw new IllegalArgumentException("account '" + name + "' already exists");
            }
            throw e;
          }
          return null;
        });
    return key;
  }

  @Override
  public Optional<String> forKey(String key) {
    return database.read(
        connection -> {
          try (PreparedStatement query =
              connection.prepareStatement("SELECT name FROM accounts WHERE key_hash = ?")) {
            query.setString(1, hash(key));
            try (ResultSet row = query.executeQuery()) {
              return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
            }
          }
        });
  }

  static String hash(String key) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
