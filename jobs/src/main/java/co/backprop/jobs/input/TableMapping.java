package co.backprop.jobs.input;

import static java.util.Objects.requireNonNull;

import co.backprop.contract.job.TableSpec;
import co.backprop.contract.task.InvalidRequestException;
import co.backprop.contract.task.Json;
import co.backprop.contract.task.Task;
import co.backprop.contract.task.TaskBody;
import co.backprop.contract.task.TaskBodyParser;
import co.backprop.engines.pipeline.PendingItem;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * How a table row becomes one single request of the job's task: each body field is read from its
 * column (by default the column named like the field), or set to a constant for every row. The body
 * is then validated by the same parser as the API's, so a table row and an HTTP body fail alike,
 * with the column named in the message.
 */
public final class TableMapping implements Serializable {
  private final Task task;
  private final String model;
  private final Map<String, String> fieldColumns;
  private final Map<String, JsonNode> constants;
  private final String idColumn;

  /**
   * @param table the table's spec (its fields already checked against the task)
   * @param model the model every row runs on, defaults resolved
   */
  public TableMapping(TableSpec table, String model) {
    this.task = table.task();
    this.model = requireNonNull(model, "model is null");
    Map<String, String> columns = new LinkedHashMap<>();
    for (String field : TableSpec.requestFields(task)) {
      if (!table.constantFields().containsKey(field)) {
        columns.put(field, table.fieldColumns().getOrDefault(field, field));
      }
    }
    this.fieldColumns = Map.copyOf(columns);
    this.constants = Map.copyOf(table.constantFields());
    this.idColumn = table.idColumn();
  }

  public Task task() {
    return task;
  }

  public String model() {
    return model;
  }

  /** The id column, or null. */
  public String idColumn() {
    return idColumn;
  }

  /** Field → column for every field read from the table (the required ones must exist). */
  public Map<String, String> fieldColumns() {
    return fieldColumns;
  }

  /** The field whose column must exist: the task's text, question or image. */
  public String primaryField() {
    return primaryField(task);
  }

  /** The field of a task's body that holds its input: text, question or image. */
  public static String primaryField(Task task) {
    return switch (task) {
      case QA -> "question";
      case IMAGE_CLASSIFICATION -> "image";
      default -> "text";
    };
  }

  /**
   * The request of one row; {@code column} gives a column's value as JSON (null when absent or
   * null).
   */
  public PendingItem item(Function<String, JsonNode> column) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    fieldColumns.forEach(
        (field, name) -> {
          JsonNode value = column.apply(name);
          if (value != null && !value.isNull()) {
            body.set(field, value);
          }
        });
    constants.forEach(body::set);
    body.put("model", model);
    if (idColumn != null) {
      JsonNode id = column.apply(idColumn);
      if (id == null || id.isNull()) {
        return PendingItem.invalid(task, model, "id (column '" + idColumn + "'): is required");
      }
    }
    return single(task, model, body, this::withColumn);
  }

  /**
   * One single request of {@code task} from a body, validated by the API's parser: a bad body, a
   * batch body or an unreadable value is the item's error (worded by {@code describe} for field
   * errors), never an exception.
   */
  public static PendingItem single(
      Task task,
      String model,
      ObjectNode body,
      Function<InvalidRequestException, String> describe) {
    try {
      TaskBody parsed = TaskBodyParser.parse(task, body);
      if (parsed.batch()) {
        throw new InvalidRequestException(
            primaryField(task),
            "must be a string but got a list (a table row is one request; use a request file for"
                + " batch bodies)");
      }
      return parsed.items().get(0).isValid()
          ? PendingItem.valid(task, model, parsed.items().get(0).request())
          : PendingItem.invalid(task, model, describe.apply(parsed.items().get(0).error()));
    } catch (InvalidRequestException e) {
      return PendingItem.invalid(task, model, describe.apply(e));
    } catch (RuntimeException e) {
      // A value no field expected (a struct, a binary): the row's error, not the job's.
      return PendingItem.invalid(task, model, "the row could not be read: " + e.getMessage());
    }
  }

  /**
   * "text: is required" → "text (column 'title'): is required" when the column is named otherwise.
   */
  private String withColumn(InvalidRequestException error) {
    String field = error.field();
    String base = field.replaceAll("\\[\\d+]$", "");
    String column = fieldColumns.get(base);
    if (column == null || column.equals(base)) {
      return error.getMessage();
    }
    return field + " (column '" + column + "')" + error.getMessage().substring(field.length());
  }
}
