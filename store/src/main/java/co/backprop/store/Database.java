package co.backprop.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The store's database: a connection pool, its dialect, transactions, and the schema (migrations in
 * {@code db/migration}, applied by Flyway when the store opens). SQLite gets one connection per
 * process — its writers queue on the file anyway, and one connection keeps them in this process's
 * order; PostgreSQL a small pool.
 */
final class Database implements AutoCloseable {
  enum Dialect {
    SQLITE,
    POSTGRESQL;

    static Dialect of(String url) {
      if (url.startsWith("jdbc:sqlite:")) {
        return SQLITE;
      }
      if (url.startsWith("jdbc:postgresql:")) {
        return POSTGRESQL;
      }
      throw new StoreException(
          "the job store must be jdbc:sqlite:FILE or jdbc:postgresql://HOST:PORT/DB?user=...; got "
              + redacted(url));
    }
  }

  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private final String url;
  private final Dialect dialect;
  private final HikariDataSource pool;

  private Database(String url, Dialect dialect, HikariDataSource pool) {
    this.url = url;
    this.dialect = dialect;
    this.pool = pool;
  }

  static Database open(String url) {
    Dialect dialect = Dialect.of(url);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setPoolName("backprop-store");
    if (dialect == Dialect.SQLITE) {
      // Other processes write this file too. A transaction that reads, then writes, takes the write
      // lock up front (IMMEDIATE): upgrading later fails at once if another process wrote
      // meanwhile.
      config.addDataSourceProperty("journal_mode", "WAL"); // readers never wait for the writer
      // With WAL, NORMAL syncs at checkpoints, not at every commit: a crash of the process loses
      // nothing committed; a power cut may lose the last commits. Short commits keep the front door
      // fast.
      config.addDataSourceProperty("synchronous", "NORMAL");
      config.addDataSourceProperty("busy_timeout", "10000");
      config.addDataSourceProperty("transaction_mode", "IMMEDIATE");
      config.addDataSourceProperty("foreign_keys", "true");
      config.setMaximumPoolSize(1);
    } else {
      config.setMaximumPoolSize(8);
    }
    config.setMinimumIdle(1);
    config.setConnectionTimeout(30_000);
    migrate(url, dialect);
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new StoreException(
          "cannot open the job store " + redacted(url) + ": " + rootMessage(e), e);
    }
    return new Database(url, dialect, pool);
  }

  /**
   * Brings the schema to the newest migration; several processes opening one store at once apply it
   * once.
   */
  private static void migrate(String url, Dialect dialect) {
    try {
      Flyway.configure()
          .dataSource(url, null, null)
          .locations("classpath:db/migration")
          .failOnMissingLocations(true)
          .load()
          .migrate();
    } catch (FlywayException e) {
      String message = rootMessage(e);
      if (message.contains("no schema history table")) {
        message =
            "it holds tables but no migration history: it was made by an earlier version of this"
                + " program (or by something else); move it away and start a new one";
      }
      throw new StoreException("cannot open the job store " + redacted(url) + ": " + message, e);
    }
  }

  Dialect dialect() {
    return dialect;
  }

  /** Runs one statement or query in autocommit mode. */
  <T> T read(Work<T> work) {
    try (Connection connection = pool.getConnection()) {
      return work.run(connection);
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** Runs work in one transaction: all of it or nothing. */
  <T> T inTransaction(Work<T> work) {
    try (Connection connection = pool.getConnection()) {
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /**
   * {@code FOR UPDATE OF table SKIP LOCKED} where the database has it: claims on PostgreSQL skip
   * rows another worker is claiming. SQLite's write transactions are serial already.
   */
  String skipLocked(String table) {
    return dialect == Dialect.POSTGRESQL ? " FOR UPDATE OF " + table + " SKIP LOCKED" : "";
  }

  static boolean isUniqueViolation(SQLException e) {
    // 23505: PostgreSQL's unique_violation; SQLite reports SQLITE_CONSTRAINT_UNIQUE in its message.
    return "23505".equals(e.getSQLState())
        || (e.getMessage() != null && e.getMessage().contains("UNIQUE"));
  }

  private StoreException failure(SQLException e) {
    return new StoreException("job store " + redacted(url) + ": " + e.getMessage(), e);
  }

  /** The URL without its password, for messages. */
  static String redacted(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }

  private static String rootMessage(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() != null ? root.getMessage() : root.toString();
  }

  @Override
  public void close() {
    pool.close();
  }
}
