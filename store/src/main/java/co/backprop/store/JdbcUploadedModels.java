package co.backprop.store;

import co.backprop.contract.model.BuildStatus;
import co.backprop.contract.model.UserModel;
import co.backprop.contract.task.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

final class JdbcUploadedModels implements UploadedModels {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final TypeReference<List<String>> TASKS = new TypeReference<>() {};

  private final Database database;
  private final Clock clock;

  JdbcUploadedModels(Database database, Clock clock) {
    this.database = database;
    this.clock = clock;
  }

  @Override
  public void save(UserModel model) {
    database.read(
        connection -> {
          try (PreparedStatement upsert =
              connection.prepareStatement(
                  "INSERT INTO models (account, name, description, tasks, build_status,"
                      + " build_message, last_deployment, path) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON"
                      + " CONFLICT (account, name) DO UPDATE SET description ="
                      + " excluded.description, tasks = excluded.tasks, build_status ="
                      + " excluded.build_status, build_message = excluded.build_message,"
                      + " last_deployment = excluded.last_deployment, path = excluded.path")) {
            upsert.setString(1, model.account());
            upsert.setString(2, model.name());
            upsert.setString(3, model.description());
            upsert.setString(4, Json.MAPPER.writeValueAsString(model.tasks()));
            upsert.setString(5, model.buildStatus().apiName());
            upsert.setString(6, model.buildMessage());
            if (model.lastDeployment() == null) {
              upsert.setNull(7, java.sql.Types.BIGINT);
            } else {
              upsert.setLong(7, model.lastDeployment().toEpochMilli());
            }
            upsert.setString(8, model.path());
            upsert.executeUpdate();
          } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
          }
          return null;
        });
  }

  @Override
  public boolean recordBuild(UserModel built) {
    return database.read(
        connection -> {
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE models SET build_status = ?, build_message = ?, last_deployment = ?"
                      + " WHERE account = ? AND name = ? AND path = ?")) {
            update.setString(1, built.buildStatus().apiName());
            update.setString(2, built.buildMessage());
            update.setLong(3, built.lastDeployment().toEpochMilli());
            update.setString(4, built.account());
            update.setString(5, built.name());
            update.setString(6, built.path());
            return update.executeUpdate() == 1;
          }
        });
  }

  @Override
  public Optional<UserModel> model(String account, String name) {
    return select("SELECT * FROM models WHERE account = ? AND name = ?", account, name).stream()
        .findFirst();
  }

  @Override
  public List<UserModel> models(String account) {
    return select("SELECT * FROM models WHERE account = ? ORDER BY name", account);
  }

  private List<UserModel> select(String sql, String... parameters) {
    return database.read(
        connection -> {
          try (PreparedStatement query = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
              query.setString(i + 1, parameters[i]);
            }
            List<UserModel> models = new ArrayList<>();
            try (ResultSet row = query.executeQuery()) {
              while (row.next()) {
                long deployed = row.getLong("last_deployment");
                Instant lastDeployment = row.wasNull() ? null : Instant.ofEpochMilli(deployed);
                models.add(
                    new UserModel(
                        row.getString("account"),
                        row.getString("name"),
                        row.getString("description"),
                        Json.MAPPER.readValue(row.getString("tasks"), TASKS),
                        BuildStatus.fromApiName(row.getString("build_status")),
                        row.getString("build_message"),
                        lastDeployment,
                        row.getString("path")));
              }
            } catch (JsonProcessingException e) {
              throw new SQLException("a model's tasks are not JSON", e);
            }
            return models;
          }
        });
  }

  @Override
  public boolean delete(String account, String name) {
    return database.read(
        connection -> {
          try (PreparedStatement delete =
              connection.prepareStatement("DELETE FROM models WHERE account = ? AND name = ?")) {
            delete.setString(1, account);
            delete.setString(2, name);
            return delete.executeUpdate() == 1;
          }
        });
  }

  @Override
  public String createUpload(String account, String model, Duration validity, int maxOpen) {
    byte[] secret = new byte[24];
    RANDOM.nextBytes(secret);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    long now = clock.millis();
    database.inTransaction(
        connection -> {
          try (PreparedStatement expired =
              connection.prepareStatement("DELETE FROM uploads WHERE expires_at <= ?")) {
            expired.setLong(1, now);
            expired.executeUpdate();
          }
          try (PreparedStatement open =
              connection.prepareStatement("SELECT COUNT(*) FROM uploads WHERE account = ?")) {
            open.setString(1, account);
            try (ResultSet row = open.executeQuery()) {
              row.next();
              if (row.getInt(1) >= maxOpen) {
                throw CapReachedException.openUploads(account, row.getInt(1));
              }
            }
          }
          try (PreparedStatement insert =
              connection.prepareStatement(
                  "INSERT INTO uploads (token, account, model, expires_at) VALUES (?, ?, ?, ?)")) {
            insert.setString(1, token);
            insert.setString(2, account);
            insert.setString(3, model);
            insert.setLong(4, now + validity.toMillis());
            insert.executeUpdate();
          }
          return null;
        });
    return token;
  }

  @Override
  public Optional<Upload> upload(String token) {
    return database.read(connection -> find(connection, token));
  }

  @Override
  public Optional<Upload> useUpload(String token) {
    return database.inTransaction(
        connection -> {
          Optional<Upload> upload = find(connection, token);
          try (PreparedStatement delete =
              connection.prepareStatement("DELETE FROM uploads WHERE token = ?")) {
            delete.setString(1, token);
            // Two uses at once both find it; only the one that deletes it has it.
            return delete.executeUpdate() == 1 ? upload : Optional.empty();
          }
        });
  }

  private Optional<Upload> find(Connection connection, String token) throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT account, model, expires_at FROM uploads WHERE token = ?")) {
      query.setString(1, token);
      try (ResultSet row = query.executeQuery()) {
        if (row.next() && row.getLong(3) > clock.millis()) {
          return Optional.of(new Upload(row.getString(1), row.getString(2)));
        }
        return Optional.empty();
      }
    }
  }
}
