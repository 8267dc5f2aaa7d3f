package co.backprop.store;

import co.backprop.contract.account.Account;
import co.backprop.contract.account.Grant;
import co.backprop.contract.usage.MonthlyLimit;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
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
  public String create(String name, MonthlyLimit limit) {
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
                  "INSERT INTO accounts (name, key_hash, created_at, monthly_seconds) VALUES (?, ?,"
                      + " ?, ?)")) {
            insert.setString(1, name);
            insert.setString(2, hash(key));
            insert.setLong(3, clock.millis());
            setLimit(insert, 4, limit);
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

  @Override
  public Optional<Account> account(String name) {
    return database.read(
        connection -> {
          MonthlyLimit limit;
          try (PreparedStatement query =
              connection.prepareStatement("SELECT monthly_seconds FROM accounts WHERE name = ?")) {
            query.setString(1, name);
            try (ResultSet row = query.executeQuery()) {
              if (!row.next()) {
                return Optional.empty();
              }
              double seconds = row.getDouble(1);
              limit = row.wasNull() ? MonthlyLimit.UNLIMITED : new MonthlyLimit(seconds);
            }
          }
          List<Grant> grants = new ArrayList<>();
          try (PreparedStatement query =
              connection.prepareStatement(
                  "SELECT prefix, read_only FROM grants WHERE account = ? ORDER BY prefix")) {
            query.setString(1, name);
            try (ResultSet row = query.executeQuery()) {
              while (row.next()) {
                grants.add(new Grant(row.getString(1), row.getBoolean(2)));
              }
            }
          }
          return Optional.of(new Account(name, limit, grants));
        });
  }

  @Override
  public void setMonthlyLimit(String name, MonthlyLimit limit) {
    database.read(
        connection -> {
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE accounts SET monthly_seconds = ? WHERE name = ?")) {
            setLimit(update, 1, limit);
            update.setString(2, name);
            if (update.executeUpdate() == 0) {
              throw new IllegalArgumentException("there is no account '" + name + "'");
            }
          }
          return null;
        });
  }

  @Override
  public void grant(String name, Grant grant) {
    database.inTransaction(
        connection -> {
          requireExists(connection, name);
          try (PreparedStatement delete =
              connection.prepareStatement("DELETE FROM grants WHERE account = ? AND prefix = ?")) {
            delete.setString(1, name);
            delete.setString(2, grant.prefix());
            delete.executeUpdate();
          }
          try (PreparedStatement insert =
              connection.prepareStatement(
                  "INSERT INTO grants (account, prefix, read_only) VALUES (?, ?, ?)")) {
            insert.setString(1, name);
            insert.setString(2, grant.prefix());
            insert.setBoolean(3, grant.readOnly());
            insert.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public boolean revoke(String name, String prefix) {
    String normalised = Grant.normalise(prefix);
    return database.read(
        connection -> {
          try (PreparedStatement delete =
              connection.prepareStatement("DELETE FROM grants WHERE account = ? AND prefix = ?")) {
            delete.setString(1, name);
            delete.setString(2, normalised);
            return delete.executeUpdate() > 0;
          }
        });
  }

  private static void requireExists(Connection connection, String name) throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement("SELECT 1 FROM accounts WHERE name = ?")) {
      query.setString(1, name);
      try (ResultSet row = query.executeQuery()) {
        if (!row.next()) {
          throw new IllegalArgumentException("there is no account '" + name + "'");
        }
      }
    }
  }

  private static void setLimit(PreparedStatement statement, int index, MonthlyLimit limit)
      throws SQLException {
    if (limit.unlimited()) {
      statement.setNull(index, Types.DOUBLE);
    } else {
      statement.setDouble(index, limit.seconds());
    }
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
