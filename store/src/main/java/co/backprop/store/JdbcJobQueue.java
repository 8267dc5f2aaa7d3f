package co.backprop.store;

import co.backprop.contract.job.Job;
import co.backprop.contract.job.JobSpecJson;
import co.backprop.contract.job.JobStatus;
import co.backprop.contract.usage.UsageRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

final class JdbcJobQueue implements JobQueue {
  private final Database database;
  private final Clock clock;

  JdbcJobQueue(Database database, Clock clock) {
    this.database = database;
    this.clock = clock;
  }

  @Override
  public Job enqueue(Job.New job) {
    String spec = JobSpecJson.write(job.spec());
    return database.inTransaction(
        connection -> {
          if (job.idempotencyKey() != null) {
            try (PreparedStatement query =
                connection.prepareStatement(
                    "SELECT * FROM jobs WHERE account = ? AND idempotency_key = ?")) {
              query.setString(1, job.account());
              query.setString(2, job.idempotencyKey());
              try (ResultSet row = query.executeQuery()) {
                if (row.next()) {
                  return job(row);
                }
              }
            }
          }
          try (PreparedStatement insert =
              connection.prepareStatement(
                  "INSERT INTO jobs (id, account, kind, spec, status, created_at, idempotency_key)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, job.id());
            insert.setString(2, job.account());
            insert.setString(3, job.spec().kind().apiName());
            insert.setString(4, spec);
            insert.setString(5, JobStatus.QUEUED.apiName());
            insert.setLong(6, clock.millis());
            insert.setString(7, job.idempotencyKey());
            insert.executeUpdate();
          }
          return find(connection, job.id()).orElseThrow();
        });
  }

  @Override
  public Optional<Job> job(String id) {
    return database.read(connection -> find(connection, id));
  }

  private static Optional<Job> find(Connection connection, String id) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT * FROM jobs WHERE id = ?")) {
      query.setString(1, id);
      try (ResultSet row = query.executeQuery()) {
        return row.next() ? Optional.of(job(row)) : Optional.empty();
      }
    }
  }

  @Override
  public Optional<Job> claim(String worker, Duration lease) {
    long now = clock.millis();
    return database.inTransaction(
        connection -> {
          // A job cancelled while running whose worker died: nobody will finish it but this.
          try (PreparedStatement abandoned =
              connection.prepareStatement(
                  "UPDATE jobs SET status = ?, finished_at = ?, message = 'cancelled on request',"
                      + " lease_until = NULL WHERE status = ? AND cancel_requested = TRUE AND"
                      + " lease_until < ?")) {
            abandoned.setString(1, JobStatus.CANCELLED.apiName());
            abandoned.setLong(2, now);
            abandoned.setString(3, JobStatus.RUNNING.apiName());
            abandoned.setLong(4, now);
            abandoned.executeUpdate();
          }
          String id;
          try (PreparedStatement query =
              connection.prepareStatement(
                  "SELECT id FROM jobs WHERE (status = ? OR (status = ? AND lease_until < ?)) AND"
                      + " cancel_requested = FALSE ORDER BY created_at, id LIMIT 1"
                      + database.skipLocked())) {
            query.setString(1, JobStatus.QUEUED.apiName());
            query.setString(2, JobStatus.RUNNING.apiName());
            query.setLong(3, now);
            try (ResultSet row = query.executeQuery()) {
              if (!row.next()) {
                return Optional.empty();
              }
              id = row.getString(1);
            }
          }
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE jobs SET status = ?, worker = ?, lease_until = ?, attempts = attempts +"
                      + " 1, started_at = COALESCE(started_at, ?) WHERE id = ?")) {
            update.setString(1, JobStatus.RUNNING.apiName());
            update.setString(2, worker);
            update.setLong(3, now + lease.toMillis());
            update.setLong(4, now);
            update.setString(5, id);
            update.executeUpdate();
          }
          return find(connection, id);
        });
  }

  @Override
  public boolean renew(String id, String worker, Duration lease, long done, long total) {
    return database.read(
        connection -> {
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE jobs SET lease_until = ?, done = ?, total = CASE WHEN ? > 0 THEN ? ELSE"
                      + " total END WHERE id = ? AND worker = ? AND status = ?")) {
            update.setLong(1, clock.millis() + lease.toMillis());
            update.setLong(2, done);
            update.setLong(3, total);
            update.setLong(4, total);
            update.setString(5, id);
            update.setString(6, worker);
            update.setString(7, JobStatus.RUNNING.apiName());
            return update.executeUpdate() == 1;
          }
        });
  }

  @Override
  public boolean succeed(
      String id, String worker, Job.Outcome outcome, String usageSource, List<UsageRow> usage) {
    return database.inTransaction(
        connection -> {
          if (!finish(connection, id, worker, JobStatus.SUCCEEDED, outcome)) {
            return false;
          }
          JdbcUsageLedger.insert(connection, usageSource, usage);
          return true;
        });
  }

  @Override
  public boolean fail(String id, String worker, String message) {
    return database.inTransaction(
        connection ->
            finish(connection, id, worker, JobStatus.FAILED, Job.Outcome.message(message)));
  }

  @Override
  public boolean cancelled(String id, String worker) {
    return database.inTransaction(
        connection ->
            finish(
                connection,
                id,
                worker,
                JobStatus.CANCELLED,
                Job.Outcome.message("cancelled on request")));
  }

  private boolean finish(
      Connection connection, String id, String worker, JobStatus status, Job.Outcome outcome)
      throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE jobs SET status = ?, finished_at = ?, results = COALESCE(?, results), total ="
                + " CASE WHEN ? > 0 THEN ? ELSE total END, done = CASE WHEN ? > 0 THEN ? ELSE done"
                + " END, ok = ?, error = ?, compute_seconds = ?, message = ?, lease_until = NULL"
                + " WHERE id = ? AND worker = ? AND status = ?")) {
      update.setString(1, status.apiName());
      update.setLong(2, clock.millis());
      update.setString(3, outcome.results());
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
      update.setString(14, JobStatus.RUNNING.apiName());
      return update.executeUpdate() == 1;
    }
  }

  @Override
  public Optional<Job> cancel(String id, String account) {
    return database.inTransaction(
        connection -> {
          Optional<Job> job = find(connection, id).filter(j -> j.account().equals(account));
          if (job.isEmpty() || job.get().finished()) {
            return job;
          }
          boolean queued = job.get().status() == JobStatus.QUEUED;
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE jobs SET cancel_requested = TRUE, status = ?, finished_at = ?, message ="
                      + " ? WHERE id = ?")) {
            update.setString(1, (queued ? JobStatus.CANCELLED : job.get().status()).apiName());
            if (queued) {
              update.setLong(2, clock.millis());
              update.setString(3, "cancelled before it started");
            } else {
              update.setNull(2, Types.BIGINT);
              update.setString(3, job.get().message());
            }
            update.setString(4, id);
            update.executeUpdate();
          }
          return find(connection, id);
        });
  }

  private static Job job(ResultSet row) throws SQLException {
    return new Job(
        row.getString("id"),
        row.getString("account"),
        JobSpecJson.read(row.getString("spec")),
        JobStatus.fromApiName(row.getString("status")),
        instant(row, "created_at"),
        instant(row, "started_at"),
        instant(row, "finished_at"),
        row.getInt("attempts"),
        row.getLong("total"),
        row.getLong("done"),
        row.getLong("ok"),
        row.getLong("error"),
        row.getDouble("compute_seconds"),
        row.getString("message"),
        row.getString("worker"),
        row.getBoolean("cancel_requested"),
        row.getString("results"));
  }

  private static Instant instant(ResultSet row, String column) throws SQLException {
    long millis = row.getLong(column);
    return row.wasNull() ? null : Instant.ofEpochMilli(millis);
  }
}
