package co.backprop.contract.job;

import static java.util.Objects.requireNonNull;

import co.backprop.contract.task.Task;
import co.backprop.contract.task.TaskBodyParser;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Table enrichment: one task for every row, its body fields read from columns or given as
 * constants.
 *
 * @param model the model of every row, or null for the task's default
 * @param fieldColumns body field → the column it is read from, e.g. {@code text → title} (unnamed
 *     fields are read from the column named like them)
 * @param constantFields body field → the JSON value every row gets, e.g. the labels
 * @param idColumn the column identifying a row, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TableSpec(
    Task task,
    String model,
    Map<String, String> fieldColumns,
    Map<String, JsonNode> constantFields,
    String idColumn)
    implements Serializable {

  public TableSpec {
    if (task == null) {
      throw new InvalidJobException(
          JobField.TASK, "is required for table enrichment; known tasks: " + Task.allApiNames());
    }
    fieldColumns = copy(fieldColumns);
    constantFields = copy(constantFields);
    List<String> fields = requestFields(task);
    fieldColumns.forEach(
        (field, column) -> {
          requireField(task, fields, field, JobField.MAP);
          if (column == null || column.isBlank()) {
            throw new InvalidJobException(JobField.MAP, field + " must name a column");
          }
        });
    constantFields.forEach(
        (field, value) -> {
          requireField(task, fields, field, JobField.SET);
          requireNonNull(value, "constant value is null");
        });
    if (model != null && model.isBlank()) {
      throw new InvalidJobException(JobField.MODEL, "must not be blank");
    }
    if (idColumn != null && idColumn.isBlank()) {
      throw new InvalidJobException(JobField.ID_COL, "must name a column");
    }
  }

  /**
   * The table spec a job's settings describe, or null for a request file: without a task, a model,
   * map, set or id column is a mistake (a request file names its task and model on each line).
   */
  public static TableSpec orNone(
      Task task,
      String model,
      Map<String, String> fieldColumns,
      Map<String, JsonNode> constantFields,
      String idColumn) {
    if (task != null) {
      return new TableSpec(task, model, fieldColumns, constantFields, idColumn);
    }
    boolean tableSettings =
        model != null
            || (fieldColumns != null && !fieldColumns.isEmpty())
            || (constantFields != null && !constantFields.isEmpty())
            || idColumn != null;
    if (tableSettings) {
      throw new InvalidJobException(
          JobField.TASK,
          "is needed: {model}, {map}, {set} and {id_col} describe table rows; a request file names"
              + " the task and model on each line");
    }
    return null;
  }

  /**
   * The body fields a row fills (every field of the task but {@code model}, which the table names
   * once).
   */
  public static List<String> requestFields(Task task) {
    return TaskBodyParser.fieldsOf(task).stream().filter(f -> !f.equals("model")).toList();
  }

  private static void requireField(Task task, List<String> fields, String field, JobField option) {
    if (!fields.contains(field)) {
      throw new InvalidJobException(
          option,
          task.apiName()
              + " has no field '"
              + field
              + "'; its fields are "
              + String.join(", ", fields));
    }
  }

  // Insertion order kept: messages and output columns follow the order the user gave.
  private static <V> Map<String, V> copy(Map<String, V> map) {
    return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }
}
