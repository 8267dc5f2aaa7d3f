package co.backprop.store;

import co.backprop.contract.usage.UsageRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

final class JdbcUsageLedger implements UsageLedger {
  private final Database database;
  private final Clock clock;

  JdbcUsageLedger(Database database, Clock clock) {
    this.database = database;
    this.clock = clock;
  }

  @Override
  public int record(String source, List<UsageRow> usage) {
    return database.inTransaction(connection -> insert(connection, source, usage, clock.millis()));
  }

  /**
   * Inserts a source's rows in the caller's transaction, recorded at {@code recordedAt} (epoch
   * milliseconds); rows already recorded under it are skipped.
   */
  static int insert(Connection connection, String source, List<UsageRow> usage, long recordedAt)
      throws SQLException {
    if (source == null || usage.isEmpty()) {
      return 0;
    }
    int inserted = 0;
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO usage (source, account, period, task, model, requests, compute_seconds,"
                + " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
      for (UsageRow row : usage) {
        insert.setString(1, source);
        insert.setString(2, row.account());
        insert.setString(3, row.period());
        insert.setString(4, row.task());
        insert.setString(5, row.model());
        insert.setLong(6, row.requests());
        insert.setDouble(7, row.computeSeconds());
        insert.setLong(8, recordedAt);
        inserted += insert.executeUpdate();
      }
    }
    return inserted;
  }

  @Override
  public double used(String account, String period) {
    return database.read(
        connection -> {
          try (PreparedStatement query =
              connection.prepareStatement(
                  "SELECT COALESCE(SUM(compute_seconds), 0) FROM usage WHERE account = ? AND period"
                      + " = ?")) {
            query.setString(1, account);
            query.setString(2, period);
            try (ResultSet row = query.executeQuery()) {
              row.next();
              return row.getDouble(1);
            }
          }
        });
  }

  @Override
  public List<UsageRow> usage(String account, String period) {
    return database.read(
        connection -> {
          try (PreparedStatement query =
              connection.prepareStatement(
                  "SELECT task, model, SUM(requests), SUM(compute_seconds) FROM usage WHERE account"
                      + " = ? AND period = ? GROUP BY task, model ORDER BY task, model")) {
            query.setString(1, account);
            query.setString(2, period);
            List<UsageRow> rows = new ArrayList<>();
            try (ResultSet row = query.executeQuery()) {
              while (row.next()) {
                rows.add(
                    new UsageRow(
                        account,
                        period,
                        row.getString(1),
                        row.getString(2),
                        row.getLong(3),
                        row.getDouble(4)));
              }
            }
            return rows;
          }
        });
  }

  @Override
  public List<DailyUsage> daily(String account, String period) {
    Map<LocalDate, Double> byDay = new TreeMap<>();
    database.read(
        connection -> {
          try (PreparedStatement query =
              connection.prepareStatement(
                  "SELECT recorded_at, compute_seconds FROM usage WHERE account = ? AND period = ?"
                      + " AND recorded_at IS NOT NULL")) {
            query.setString(1, account);
            query.setString(2, period);
            try (ResultSet row = query.executeQuery()) {
              while (row.next()) {
                LocalDate day =
                    Instant.ofEpochMilli(row.getLong(1)).atZone(ZoneOffset.UTC).toLocalDate();
                byDay.merge(day, row.getDouble(2), Double::sum);
              }
            }
            return null;
          }
        });
    List<DailyUsage> days = new ArrayList<>();
    byDay.forEach((day, seconds) -> days.add(new DailyUsage(day, seconds)));
    return days;
  }
}
