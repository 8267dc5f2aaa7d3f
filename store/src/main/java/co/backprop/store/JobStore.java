package co.backprop.store;

import co.backprop.contract.model.UserModel;
import co.backprop.contract.task.Json;
import co.backprop.contract.usage.UsageRow;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The queue, the accounts, the usage ledger and the uploaded models, in one SQL database (an SQLite
 * file by default) shared by the front door and the workers, which meet nowhere else. A worker
 * claims a job with a lease it renews; an expired lease puts the job back in the queue; only the
 * lease holder can finish a job, and it records the job's usage in the same transaction, so a job
 * completes and bills once.
 */
public final class JobStore {
  private static final String DATA_FOLDER_FILE = "backprop.db";

  private final String url;

  private JobStore(String url) {
    this.url = url;
  }

  /** Opens (and creates if needed) the store at a JDBC URL, e.g. {@code jdbc:sqlite:data/backprop.db}. */
  public static JobStore open(String url) {
    JobStore store = new JobStore(url);
    store.createSchema();
    return store;
  }

  /** The store a data folder holds: SQLite in {@code DATA/backprop.db}, unless a JDBC URL says otherwise. */
  public static JobStore forDataFolder(java.nio.file.Path data, String url) {
    return url != null ? open(url) : sqlite(data.resolve(DATA_FOLDER_FILE));
  }

  /** The JDBC URL of a data folder's own store (see {@link #forDataFolder}). */
  public static String dataFolderUrl(java.nio.file.Path data) {
    return "jdbc:sqlite:" + data.resolve(DATA_FOLDER_FILE).toAbsolutePath();
  }

  public static JobStore sqlite(java.nio.file.Path file) {
    try {
      java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
    } catch (java.io.IOException e) {
      throw new StoreException("cannot create " + file.getParent(), e);
    }
    return open("jdbc:sqlite:" + file.toAbsolutePath());
  }

  /** Every failure of the store, with the SQL cause kept. */
  public static final class StoreException extends RuntimeException {
    StoreException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private <T> T withConnection(Work<T> work) {
    java.util.Properties properties = new java.util.Properties();
    if (url.startsWith("jdbc:sqlite:")) {
      // Two processes write this file. A transaction that reads, then writes, must take the write
      // lock up front (IMMEDIATE): upgrading later fails at once if another process wrote meanwhile.
      properties.setProperty("busy_timeout", "10000");
      properties.setProperty("transaction_mode", "IMMEDIATE");
    }
    try (Connection connection = DriverManager.getConnection(url, properties)) {
      return work.run(connection);
    } catch (SQLException e) {
      throw new StoreException("job store " + url + ": " + e.getMessage(), e);
    }
  }

  private <T> T inTransaction(Work<T> work) {
    return withConnection(connection -> {
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    });
  }

  private void createSchema() {
    withConnection(connection -> {
      try (Statement statement = connection.createStatement()) {
        if (url.startsWith("jdbc:sqlite:")) {
          statement.execute("PRAGMA journal_mode = WAL"); // readers do not wait for the writer
        }
        statement.execute(
            "CREATE TABLE IF NOT EXISTS accounts (name TEXT PRIMARY KEY, key_hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL)");
        statement.execute(
            "CREATE TABLE IF NOT EXISTS jobs (id TEXT PRIMARY KEY, account TEXT NOT NULL, kind TEXT NOT NULL, options TEXT NOT NULL,"
                + " input TEXT, output TEXT, status TEXT NOT NULL, created_at TEXT NOT NULL, started_at TEXT, finished_at TEXT,"
                + " attempts INTEGER NOT NULL DEFAULT 0, total INTEGER NOT NULL DEFAULT 0, done INTEGER NOT NULL DEFAULT 0,"
                + " ok INTEGER NOT NULL DEFAULT 0, error INTEGER NOT NULL DEFAULT 0, compute_seconds REAL NOT NULL DEFAULT 0,"
                + " message TEXT, worker TEXT, lease_until INTEGER, cancel_requested INTEGER NOT NULL DEFAULT 0,"
                + " idempotency_key TEXT, UNIQUE (account, idempotency_key))");
        statement.execute("CREATE INDEX IF NOT EXISTS jobs_queue ON jobs (status, created_at)");
        statement.execute(
            "CREATE TABLE IF NOT EXISTS usage (source TEXT NOT NULL, account TEXT NOT NULL, period TEXT NOT NULL, task TEXT NOT NULL,"
                + " model TEXT NOT NULL, requests INTEGER NOT NULL, compute_seconds REAL NOT NULL,"
                + " PRIMARY KEY (source, account, period, task, model))");
        statement.execute(
            "CREATE TABLE IF NOT EXISTS models (account TEXT NOT NULL, name TEXT NOT NULL, description TEXT, tasks TEXT NOT NULL,"
                + " build_status TEXT NOT NULL, build_message TEXT, last_deployment TEXT, path TEXT NOT NULL,"
                + " PRIMARY KEY (account, name))");
        statement.execute(
            "CREATE TABLE IF NOT EXISTS uploads (token TEXT PRIMARY KEY, account TEXT NOT NULL, model TEXT NOT NULL, expires_at INTEGER NOT NULL)");
      }
      return null;
    });
  }

  // ---- accounts ----

  /** Creates an account and returns its API key: shown once, stored only as a hash. */
  public String createAccount(String name) {
    if (!name.matches("[a-z0-9][a-z0-9_-]{1,62}")) {
      throw new IllegalArgumentException("account names are 2-63 characters of lowercase ascii, digits, - and _; got '" + name + "'");
    }
    byte[] secret = new byte[24];
    new SecureRandom().nextBytes(secret);
    String key = "bp_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    withConnection(connection -> {
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO accounts (name, key_hash, created_at) VALUES (?, ?, ?)")) {
        insert.setString(1, name);
        insert.setString(2, hash(key));
        insert.setString(3, Instant.now().toString());
        insert.executeUpdate();
      } catch (SQLException e) {
        if (e.getMessage() != null && e.getMessage().contains("UNIQUE")) {
          throw new IllegalArgumentException("account '" + name + "' already exists");
        }
        throw e;
      }
      return null;
    });
    return key;
  }

  /** The account an API key belongs to. */
  public Optional<String> accountForKey(String key) {
    return withConnection(connection -> {
      try (PreparedStatement query = connection.prepareStatement("SELECT name FROM accounts WHERE key_hash = ?")) {
        query.setString(1, hash(key));
        try (ResultSet row = query.executeQuery()) {
          return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
        }
      }
    });
  }

  static String hash(String key) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- jobs ----

  /** Queues a job; with an idempotency key already used by the account, returns that job instead. */
  public JobRecord enqueue(JobRecord.NewJob job) {
    return inTransaction(connection -> {
      if (job.idempotencyKey() != null) {
        try (PreparedStatement query = connection.prepareStatement("SELECT * FROM jobs WHERE account = ? AND idempotency_key = ?")) {
          query.setString(1, job.account());
          query.setString(2, job.idempotencyKey());
          try (ResultSet row = query.executeQuery()) {
            if (row.next()) {
              return record(row);
            }
          }
        }
      }
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO jobs (id, account, kind, options, input, output, status, created_at, idempotency_key)"
                  + " VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?)")) {
        insert.setString(1, job.id());
        insert.setString(2, job.account());
        insert.setString(3, job.kind());
        insert.setString(4, json(job.options()));
        insert.setString(5, job.input());
        insert.setString(6, job.output());
        insert.setString(7, Instant.now().toString());
        insert.setString(8, job.idempotencyKey());
        insert.executeUpdate();
      }
      return find(connection, job.id()).orElseThrow();
    });
  }

  public Optional<JobRecord> job(String id) {
    return withConnection(connection -> find(connection, id));
  }

  /** The job if this account owns it: another account's job does not exist for it. */
  public Optional<JobRecord> job(String id, String account) {
    return job(id).filter(job -> job.account().equals(account));
  }

  private static Optional<JobRecord> find(Connection connection, String id) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT * FROM jobs WHERE id = ?")) {
      query.setString(1, id);
      try (ResultSet row = query.executeQuery()) {
        return row.next() ? Optional.of(record(row)) : Optional.empty();
      }
    }
  }

  /**
   * Claims the oldest queued job, or a running one whose lease expired (its worker died), for this
   * worker until the lease ends.
   */
  public Optional<JobRecord> claim(String worker, Duration lease) {
    long now = System.currentTimeMillis();
    return inTransaction(connection -> {
      // A job cancelled while running whose worker died: nobody will finish it but this.
      try (PreparedStatement abandoned =
          connection.prepareStatement(
              "UPDATE jobs SET status = 'cancelled', finished_at = ?, message = 'cancelled on request', lease_until = NULL"
                  + " WHERE status = 'running' AND cancel_requested = 1 AND lease_until < ?")) {
        abandoned.setString(1, Instant.now().toString());
        abandoned.setLong(2, now);
        abandoned.executeUpdate();
      }
      String id;
      try (PreparedStatement query =
          connection.prepareStatement(
              "SELECT id FROM jobs WHERE (status = 'queued' OR (status = 'running' AND lease_until < ?)) AND cancel_requested = 0"
                  + " ORDER BY created_at, id LIMIT 1")) {
        query.setLong(1, now);
        try (ResultSet row = query.executeQuery()) {
          if (!row.next()) {
            return Optional.empty();
          }
          id = row.getString(1);
        }
      }
      try (PreparedStatement update =
          connection.prepareStatement(
              "UPDATE jobs SET status = 'running', worker = ?, lease_until = ?, attempts = attempts + 1,"
                  + " started_at = COALESCE(started_at, ?) WHERE id = ?")) {
        update.setString(1, worker);
        update.setLong(2, now + lease.toMillis());
        update.setString(3, Instant.now().toString());
        update.setString(4, id);
        update.executeUpdate();
      }
      return find(connection, id);
    });
  }

  /**
   * Extends the lease and records progress ({@code total} 0 when not known yet); false when this
   * worker no longer holds the job.
   */
  public boolean renew(String id, String worker, Duration lease, long done, long total) {
    return withConnection(connection -> {
      try (PreparedStatement update =
          connection.prepareStatement(
              "UPDATE jobs SET lease_until = ?, done = ?, total = CASE WHEN ? > 0 THEN ? ELSE total END"
                  + " WHERE id = ? AND worker = ? AND status = 'running'")) {
        update.setLong(1, System.currentTimeMillis() + lease.toMillis());
        update.setLong(2, done);
        update.setLong(3, total);
        update.setLong(4, total);
        update.setString(5, id);
        update.setString(6, worker);
        return update.executeUpdate() == 1;
      }
    });
  }

  /**
   * Finishes a job this worker holds and records its usage under {@code usageSource}, in one
   * transaction: false (nothing recorded) when the lease was lost to another worker.
   */
  public boolean succeed(String id, String worker, JobRecord.Outcome outcome, String usageSource, List<UsageRow> usage) {
    return inTransaction(connection -> {
      if (!finish(connection, id, worker, JobRecord.SUCCEEDED, outcome)) {
        return false;
      }
      insertUsage(connection, usageSource, usage);
      return true;
    });
  }

  public boolean fail(String id, String worker, String message) {
    return inTransaction(connection -> finish(connection, id, worker, JobRecord.FAILED, new JobRecord.Outcome(null, 0, 0, 0, 0, message)));
  }

  public boolean cancelled(String id, String worker) {
    return inTransaction(connection ->
        finish(connection, id, worker, JobRecord.CANCELLED, new JobRecord.Outcome(null, 0, 0, 0, 0, "cancelled on request")));
  }

  private static boolean finish(Connection connection, String id, String worker, String status, JobRecord.Outcome outcome)
      throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE jobs SET status = ?, finished_at = ?, output = COALESCE(?, output), total = CASE WHEN ? > 0 THEN ? ELSE total END,"
                + " done = CASE WHEN ? > 0 THEN ? ELSE done END, ok = ?, error = ?, compute_seconds = ?, message = ?, lease_until = NULL"
                + " WHERE id = ? AND worker = ? AND status = 'running'")) {
      update.setString(1, status);
      update.setString(2, Instant.now().toString());
      update.setString(3, outcome.output());
      update.setLong(4, outcome.total());
      update.setLong(5, outcome.total());
      update.setLong(6, outcome.total());
      update.setLong(7, outcome.total());
      update.setLong(8, outcome.ok());
      update.setLong(9, outcome.error());
      update.setDouble(10, outcome.computeSeconds());
      update.setString(11, outcome.message());
      update.setString(12, id);
      update.setString(13, worker);
      return update.executeUpdate() == 1;
    }
  }

  /**
   * Cancels an account's job: a queued one at once, a running one when its worker next looks.
   * Empty when the account has no such job.
   */
  public Optional<JobRecord> cancel(String id, String account) {
    return inTransaction(connection -> {
      Optional<JobRecord> job = find(connection, id).filter(j -> j.account().equals(account));
      if (job.isEmpty() || job.get().finished()) {
        return job;
      }
      try (PreparedStatement update =
          connection.prepareStatement(
              "UPDATE jobs SET cancel_requested = 1, status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END,"
                  + " finished_at = CASE WHEN status = 'queued' THEN ? ELSE finished_at END,"
                  + " message = CASE WHEN status = 'queued' THEN 'cancelled before it started' ELSE message END WHERE id = ?")) {
        update.setString(1, Instant.now().toString());
        update.setString(2, id);
        update.executeUpdate();
      }
      return find(connection, id);
    });
  }

  private static JobRecord record(ResultSet row) throws SQLException {
    return new JobRecord(
        row.getString("id"), row.getString("account"), row.getString("kind"), row.getString("options"), row.getString("input"),
        row.getString("output"), row.getString("status"), row.getString("created_at"), row.getString("started_at"),
        row.getString("finished_at"), row.getInt("attempts"), row.getLong("total"), row.getLong("done"), row.getLong("ok"),
        row.getLong("error"), row.getDouble("compute_seconds"), row.getString("message"), row.getString("worker"),
        row.getInt("cancel_requested") == 1);
  }

  // ---- usage ----

  /**
   * The usage source of one job run: its results path and start time, as its summary records them.
   * A worker bills under it and `usage import` of the same output finds it, so the run counts once.
   */
  public static String runSource(String resultsPath, String started) {
    return resultsPath + "@" + started;
  }

  /** Records usage under a source once: recording the same source again changes nothing. */
  public int recordUsage(String source, List<UsageRow> usage) {
    return inTransaction(connection -> insertUsage(connection, source, usage));
  }

  private static int insertUsage(Connection connection, String source, List<UsageRow> usage) throws SQLException {
    int inserted = 0;
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO usage (source, account, period, task, model, requests, compute_seconds) VALUES (?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT DO NOTHING")) {
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

  /** An account's usage in a period, summed by task and model. */
  public List<UsageRow> usage(String account, String period) {
    return withConnection(connection -> {
      try (PreparedStatement query =
          connection.prepareStatement(
              "SELECT task, model, SUM(requests), SUM(compute_seconds) FROM usage WHERE account = ? AND period = ?"
                  + " GROUP BY task, model ORDER BY task, model")) {
        query.setString(1, account);
        query.setString(2, period);
        List<UsageRow> rows = new ArrayList<>();
        try (ResultSet row = query.executeQuery()) {
          while (row.next()) {
            rows.add(new UsageRow(account, period, row.getString(1), row.getString(2), row.getLong(3), row.getDouble(4)));
          }
        }
        return rows;
      }
    });
  }

  // ---- uploaded models ----

  public void saveModel(UserModel model) {
    withConnection(connection -> {
      try (PreparedStatement upsert =
          connection.prepareStatement(
              "INSERT INTO models (account, name, description, tasks, build_status, build_message, last_deployment, path)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account, name) DO UPDATE SET description = excluded.description,"
                  + " tasks = excluded.tasks, build_status = excluded.build_status, build_message = excluded.build_message,"
                  + " last_deployment = excluded.last_deployment, path = excluded.path")) {
        upsert.setString(1, model.account());
        upsert.setString(2, model.name());
        upsert.setString(3, model.description());
        upsert.setString(4, json(model.tasks()));
        upsert.setString(5, model.buildStatus());
        upsert.setString(6, model.buildMessage());
        upsert.setString(7, model.lastDeployment());
        upsert.setString(8, model.path());
        upsert.executeUpdate();
      }
      return null;
    });
  }

  public Optional<UserModel> model(String account, String name) {
    return models(account).stream().filter(m -> m.name().equals(name)).findFirst();
  }

  public List<UserModel> models(String account) {
    return withConnection(connection -> {
      try (PreparedStatement query = connection.prepareStatement("SELECT * FROM models WHERE account = ? ORDER BY name")) {
        query.setString(1, account);
        List<UserModel> models = new ArrayList<>();
        try (ResultSet row = query.executeQuery()) {
          while (row.next()) {
            models.add(new UserModel(
                row.getString("account"), row.getString("name"), row.getString("description"),
                Json.MAPPER.readValue(row.getString("tasks"), new TypeReference<List<String>>() {}), row.getString("build_status"),
                row.getString("build_message"), row.getString("last_deployment"), row.getString("path")));
          }
        } catch (JsonProcessingException e) {
          throw new SQLException("a model's tasks are not JSON", e);
        }
        return models;
      }
    });
  }

  public boolean deleteModel(String account, String name) {
    return withConnection(connection -> {
      try (PreparedStatement delete = connection.prepareStatement("DELETE FROM models WHERE account = ? AND name = ?")) {
        delete.setString(1, account);
        delete.setString(2, name);
        return delete.executeUpdate() == 1;
      }
    });
  }

  // ---- upload URLs ----

  /** A token for one upload of a model, valid for {@code validity}. */
  public String createUpload(String account, String model, Duration validity) {
    byte[] secret = new byte[24];
    new SecureRandom().nextBytes(secret);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    withConnection(connection -> {
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO uploads (token, account, model, expires_at) VALUES (?, ?, ?, ?)")) {
        insert.setString(1, token);
        insert.setString(2, account);
        insert.setString(3, model);
        insert.setLong(4, System.currentTimeMillis() + validity.toMillis());
        insert.executeUpdate();
      }
      return null;
    });
    return token;
  }

  /** Who may upload which model with a token. */
  public record Upload(String account, String model) {}

  /** The upload of a token still valid; a token works once. */
  public Optional<Upload> useUpload(String token) {
    return inTransaction(connection -> {
      Upload upload = null;
      try (PreparedStatement query = connection.prepareStatement("SELECT account, model, expires_at FROM uploads WHERE token = ?")) {
        query.setString(1, token);
        try (ResultSet row = query.executeQuery()) {
          if (row.next() && row.getLong(3) > System.currentTimeMillis()) {
            upload = new Upload(row.getString(1), row.getString(2));
          }
        }
      }
      try (PreparedStatement delete = connection.prepareStatement("DELETE FROM uploads WHERE token = ?")) {
        delete.setString(1, token);
        delete.executeUpdate();
      }
      return Optional.ofNullable(upload);
    });
  }

  private static String json(Object value) {
    try {
      return Json.MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
