package co.backprop.store;

import co.backprop.contract.job.Job;
import co.backprop.contract.job.JobFailure;
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
import java.util.Objects;
import java.util.Optional;

final class JdbcJobQueue implements JobQueue {
  private static final String QUEUED = JobStatus.QUEUED.apiName();
  private static final String RUNNING = JobStatus.RUNNING.apiName();

  private final Database database;
  private final Clock clock;

  JdbcJobQueue(Database database, Clock clock) {
    this.database = database;
    this.clock = clock;
  }

  @Override
  public Job enqueue(Job.New job, int maxQueued) {
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
                  String earlier = row.getString("request_hash");
                  if (earlier != null && !Objects.equals(earlier, job.requestHash())) {
                    throw new IdempotencyConflictException(
                        job.idempotencyKey(), row.getString("id"));
                  }
                  return job(row);
                }
              }
            }
          }
          int queued =
              count(
                  connection,
                  "SELECT COUNT(*) FROM jobs WHERE account = ? AND status = ?",
                  job.account(),
                  QUEUED);
          if (queued >= maxQueued) {
            throw CapReachedException.queuedJobs(job.account(), queued);
          }
          return insert(connection, job, spec);
        });
  }

  @Override
  public Job enqueueUnlessWaiting(Job.New job) {
    String spec = JobSpecJson.write(job.spec());
    return database.inTransaction(
        connection -> {
          try (PreparedStatement query =
              connection.prepareStatement(
                  "SELECT * FROM jobs WHERE account = ? AND status = ? AND spec = ? ORDER BY"
                      + " created_at, id")) {
            query.setString(1, job.account());
            query.setString(2, QUEUED);
            query.setString(3, spec);
            try (ResultSet row = query.executeQuery()) {
              if (row.next()) {
                return job(row);
              }
            }
          }
          return insert(connection, job, spec);
        });
  }

  private Job insert(Connection connection, Job.New job, String spec) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO jobs (id, account, kind, spec, status, created_at, idempotency_key,"
                + " request_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, job.id());
      insert.setString(2, job.account());
      insert.setString(3, job.spec().kind().apiName());
      insert.setString(4, spec);
      insert.setString(5, QUEUED);
      insert.setLong(6, clock.millis());
      insert.setString(7, job.idempotencyKey());
      insert.setString(8, job.requestHash());
      insert.executeUpdate();
    }
    return find(connection, job.id()).orElseThrow();
  }

  private static int count(Connection connection, String sql, String... parameters)
      throws SQLException {
    try (PreparedStatement query = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        query.setString(i + 1, parameters[i]);
      }
      try (ResultSet row = query.executeQuery()) {
        row.next();
        return row.getInt(1);
      }
    }
  }

  @Override
  public Optional<Job> job(String id) {
    return database.read(connection -> find(connection, id));
  }

  @Override
  public List<Job> jobs(java.util.Collection<String> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    List<String> list = List.copyOf(ids);
    return database.read(
        connection -> {
          String marks = String.join(", ", java.util.Collections.nCopies(list.size(), "?"));
          try (PreparedStatement query =
              connection.prepareStatement("SELECT * FROM jobs WHERE id IN (" + marks + ")")) {
            for (int i = 0; i < list.size(); i++) {
              query.setString(i + 1, list.get(i));
            }
            return jobsOf(query);
          }
        });
  }

  @Override
  public List<Job> jobsOf(String account, int limit) {
    return database.read(
        connection -> {
          try (PreparedStatement query =
              connection.prepareStatement(
                  "SELECT * FROM jobs WHERE account = ? ORDER BY created_at DESC, id DESC LIMIT"
                      + " ?")) {
            query.setString(1, account);
            query.setInt(2, limit);
            return jobsOf(query);
          }
        });
  }

  /** The jobs a query's rows describe, in its order. */
  private static List<Job> jobsOf(PreparedStatement query) throws SQLException {
    List<Job> jobs = new java.util.ArrayList<>();
    try (ResultSet row = query.executeQuery()) {
      while (row.next()) {
        jobs.add(job(row));
      }
    }
    return jobs;
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
  public Optional<Job> claim(String worker, Duration lease, Policy policy) {
    long now = clock.millis();
    return database.inTransaction(
        connection -> {
          endAbandoned(connection, now, policy);
          String id;
          String account;
          // Accounts take turns: the one served longest ago first, its oldest job first; an account
          // already running its share of jobs waits.
          try (PreparedStatement query =
              connection.prepareStatement(
                  "SELECT j.id, j.account FROM jobs j LEFT JOIN accounts a ON a.name = j.account"
                      + " WHERE (j.status = ? OR (j.status = ? AND j.lease_until < ?)) AND"
                      + " j.cancel_requested = FALSE AND (SELECT COUNT(*) FROM jobs r WHERE"
                      + " r.account = j.account AND r.status = ? AND r.lease_until >= ?) < ? ORDER"
                      + " BY COALESCE(a.last_claimed_at, 0), j.created_at, j.id LIMIT 1"
                      + database.skipLocked("j"))) {
            query.setString(1, QUEUED);
            query.setString(2, RUNNING);
            query.setLong(3, now);
            query.setString(4, RUNNING);
            query.setLong(5, now);
            query.setInt(6, policy.maxRunningPerAccount());
            try (ResultSet row = query.executeQuery()) {
              if (!row.next()) {
                return Optional.empty();
              }
              id = row.getString(1);
              account = row.getString(2);
            }
          }
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE jobs SET status = ?, worker = ?, lease_until = ?, attempts = attempts +"
                      + " 1, started_at = COALESCE(started_at, ?) WHERE id = ?")) {
            update.setString(1, RUNNING);
            update.setString(2, worker);
            update.setLong(3, now + lease.toMillis());
            update.setLong(4, now);
            update.setString(5, id);
            update.executeUpdate();
          }
          try (PreparedStatement served =
              connection.prepareStatement(
                  "UPDATE accounts SET last_claimed_at = ? WHERE name = ?")) {
            served.setLong(1, now);
            served.setString(2, account);
            served.executeUpdate();
          }
          return find(connection, id);
        });
  }

  /**
   * Ends the jobs whose worker died and nobody will finish as they were: cancelled while running,
   * or out of attempts (each time a worker died running it: a job that kills workers).
   */
  private static void endAbandoned(Connection connection, long now, Policy policy)
      throws SQLException {
    try (PreparedStatement cancelled =
        connection.prepareStatement(
            "UPDATE jobs SET status = ?, finished_at = ?, message = 'cancelled on request',"
                + " lease_until = NULL WHERE status = ? AND cancel_requested = TRUE AND lease_until"
                + " < ?")) {
      cancelled.setString(1, JobStatus.CANCELLED.apiName());
      cancelled.setLong(2, now);
      cancelled.setString(3, RUNNING);
      cancelled.setLong(4, now);
      cancelled.executeUpdate();
    }
    try (PreparedStatement exhausted =
        connection.prepareStatement(
            "UPDATE jobs SET status = ?, finished_at = ?, lease_until = NULL, message = ?,"
                + " failure = ? WHERE status = ? AND lease_until < ? AND attempts >= ?")) {
      exhausted.setString(1, JobStatus.FAILED.apiName());
      exhausted.setLong(2, now);
      exhausted.setString(
          3,
          "gave up after "
              + policy.maxAttempts()
              + " attempts: each time, the worker running it stopped before it finished (it may"
              + " need more memory than a worker has, or crash its engine); the operator's worker"
              + " log has the details");
      exhausted.setString(4, JobFailure.SERVER.storeName());
      exhausted.setString(5, RUNNING);
      exhausted.setLong(6, now);
      exhausted.setInt(7, policy.maxAttempts());
      exhausted.executeUpdate();
    }
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
            update.setString(7, RUNNING);
            return update.executeUpdate() == 1;
          }
        });
  }

  @Override
  public boolean succeed(
      String id, String worker, Job.Outcome outcome, String usageSource, List<UsageRow> usage) {
    return finishAndBill(id, worker, JobStatus.SUCCEEDED, null, outcome, usageSource, usage);
  }

  @Override
  public boolean fail(
      String id,
      String worker,
      JobFailure failure,
      String message,
      String usageSource,
      List<UsageRow> usage) {
    return finishAndBill(
        id,
        worker,
        JobStatus.FAILED,
        Objects.requireNonNull(failure, "failure is null"),
        outcome(message, usage),
        usageSource,
        usage);
  }

  @Override
  public boolean cancelled(String id, String worker, String usageSource, List<UsageRow> usage) {
    return finishAndBill(
        id,
        worker,
        JobStatus.CANCELLED,
        null,
        outcome("cancelled on request", usage),
        usageSource,
        usage);
  }

  private static Job.Outcome outcome(String message, List<UsageRow> usage) {
    double seconds = usage.stream().mapToDouble(UsageRow::computeSeconds).sum();
    return new Job.Outcome(null, 0, 0, 0, seconds, message);
  }

  /**
   * Ends a job this worker holds and bills its usage, in one transaction; false (nothing billed)
   * when the lease was lost.
   */
  private boolean finishAndBill(
      String id,
      String worker,
      JobStatus status,
      JobFailure failure,
      Job.Outcome outcome,
      String usageSource,
      List<UsageRow> usage) {
    return database.inTransaction(
        connection -> {
          if (!finish(connection, id, worker, status, failure, outcome)) {
            return false;
          }
          JdbcUsageLedger.insert(connection, usageSource, usage, clock.millis());
          return true;
        });
  }

  private boolean finish(
      Connection connection,
      String id,
      String worker,
      JobStatus status,
      JobFailure failure,
      Job.Outcome outcome)
      throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE jobs SET status = ?, finished_at = ?, results = COALESCE(?, results), total ="
                + " CASE WHEN ? > 0 THEN ? ELSE total END, done = CASE WHEN ? > 0 THEN ? ELSE done"
                + " END, ok = ?, error = ?, compute_seconds = ?, message = ?, failure = ?,"
                + " lease_until = NULL WHERE id = ? AND worker = ? AND status = ?")) {
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
      update.setString(12, failure == null ? null : failure.storeName());
      update.setString(13, id);
      update.setString(14, worker);
      update.setString(15, RUNNING);
      return update.executeUpdate() == 1;
    }
  }

  @Override
  public boolean release(String id, String worker) {
    return database.read(
        connection -> {
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE jobs SET status = ?, worker = NULL, lease_until = NULL, attempts ="
                      + " attempts - 1 WHERE id = ? AND worker = ? AND status = ?")) {
            update.setString(1, QUEUED);
            update.setString(2, id);
            update.setString(3, worker);
            update.setString(4, RUNNING);
            return update.executeUpdate() == 1;
          }
        });
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
    JobStatus status = JobStatus.fromApiName(row.getString("status"));
    String failure = row.getString("failure");
    return new Job(
        row.getString("id"),
        row.getString("account"),
        JobSpecJson.read(row.getString("spec")),
        status,
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
        failure != null
            ? JobFailure.fromStoreName(failure)
            // one that failed before the column existed: the server's, as it was answered then
            : status == JobStatus.FAILED ? JobFailure.SERVER : null,
        row.getString("worker"),
        row.getBoolean("cancel_requested"),
        row.getString("results"));
  }

  private static Instant instant(ResultSet row, String column) throws SQLException {
    long millis = row.getLong(column);
    return row.wasNull() ? null : Instant.ofEpochMilli(millis);
  }
}
