package co.backprop.store;

import co.backprop.contract.usage.UsageRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

final class JdbcUsageLedger implements UsageLedger {
  private final Database database;

  JdbcUsageLedger(Database database) {
    this.database = database;
  }

  @Override
  public int record(String source, List<UsageRow> usage) {
    return database.inTransaction(connection -> insert(connection, source, usage));
  }

  /**
   * Inserts a source's rows in the caller's transaction; rows already recorded under it are
   * skipped.
   */
  static int insert(Connection connection, String source, List<UsageRow> usage)
      throws SQLException {
    if (source == null || usage.isEmpty()) {
      return 0;
    }
    int inserted = 0;
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO usage (source, account, period, task, model, requests, compute_seconds)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
      for (UsageRow row : usage) {
        insert.setString(1, source);
        insert.setString(2, row.account());
        insert.setString(3, row.period());
        insert.setString(4, row.task());
        insert.setString(5, row.model());
        insert.setLong(6, row.requests());
        insert.setDouble(7, row.computeSeconds());
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
}
