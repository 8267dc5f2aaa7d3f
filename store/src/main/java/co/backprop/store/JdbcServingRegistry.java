package co.backprop.store;

import co.backprop.contract.task.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

final class JdbcServingRegistry implements ServingRegistry {
  private static final TypeReference<List<String>> MODELS = new TypeReference<>() {};

  private final Database database;
  private final Clock clock;

  JdbcServingRegistry(Database database, Clock clock) {
    this.database = database;
    this.clock = clock;
  }

  @Override
  public void announce(String id, String url, String secret, List<String> models) {
    long now = clock.millis();
    String modelsJson;
    try {
      modelsJson = Json.MAPPER.writeValueAsString(models);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    database.read(
        connection -> {
          try (PreparedStatement upsert =
              connection.prepareStatement(
                  "INSERT INTO serving_processes (id, url, secret, models, started_at,"
                      + " heartbeat_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
                      + " url = excluded.url, secret = excluded.secret, models = excluded.models,"
                      + " heartbeat_at = excluded.heartbeat_at")) {
            upsert.setString(1, id);
            upsert.setString(2, url);
            upsert.setString(3, secret);
            upsert.setString(4, modelsJson);
            upsert.setLong(5, now);
            upsert.setLong(6, now);
            upsert.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public void withdraw(String id) {
    database.read(
        connection -> {
          try (PreparedStatement delete =
              connection.prepareStatement("DELETE FROM serving_processes WHERE id = ?")) {
            delete.setString(1, id);
            delete.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public List<Process> live(Duration freshness) {
    return database.read(
        connection -> {
          try (PreparedStatement query =
              connection.prepareStatement(
                  "SELECT id, url, secret, models, started_at, heartbeat_at FROM serving_processes"
                      + " WHERE heartbeat_at >= ? ORDER BY id")) {
            query.setLong(1, clock.millis() - freshness.toMillis());
            List<Process> live = new ArrayList<>();
            try (ResultSet row = query.executeQuery()) {
              while (row.next()) {
                live.add(
                    new Process(
                        row.getString(1),
                        row.getString(2),
                        row.getString(3),
                        Json.MAPPER.readValue(row.getString(4), MODELS),
                        Instant.ofEpochMilli(row.getLong(5)),
                        Instant.ofEpochMilli(row.getLong(6))));
              }
            } catch (JsonProcessingException e) {
              throw new SQLException("a serving process's models are not JSON", e);
            }
            return live;
          }
        });
  }
}
