package co.backprop.spark.plan;

import static java.util.Objects.requireNonNull;

import co.backprop.contract.model.ModelSpec;
import co.backprop.contract.task.InvalidRequestException;
import co.backprop.contract.task.Json;
import co.backprop.contract.task.Task;
import co.backprop.engines.pipeline.PendingItem;
import co.backprop.jobs.formats.ResultColumns;
import co.backprop.jobs.formats.TableRows;
import co.backprop.jobs.input.JobPlan;
import co.backprop.jobs.input.TableMapping;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.StructType;

/**
 * What one call of a Backprop function asks for: the task, the model (or null for the body's or the
 * task's default), what each argument is, and fields every row gets. Its {@link #item} turns a
 * row's argument values into the same validated request a job's table row becomes.
 *
 * @param function the SQL name, for messages and plans
 * @param constants fields every call gets (the Transformer's and {@code enrich}'s constant fields),
 *     parsed once where they are given
 */
public record CallSpec(
    String function,
    Task task,
    String model,
    List<Argument> arguments,
    Map<String, JsonNode> constants)
    implements Serializable {

  /** What an argument holds. */
  public enum Role {
    /** One body field, named by the argument. */
    FIELD,
    /** Decoding parameters: a map or a JSON object string merged into the body. */
    PARAMETERS,
    /** The whole body as a JSON object string. */
    BODY
  }

  public record Argument(Role role, String field) implements Serializable {
    public static Argument field(String name) {
      return new Argument(Role.FIELD, name);
    }
  }

  public CallSpec {
    requireNonNull(function, "function is null");
    requireNonNull(task, "task is null");
    arguments = List.copyOf(arguments);
    constants = constants == null ? Map.of() : Map.copyOf(constants);
  }

  /** The struct every call returns. */
  public StructType resultType() {
    return ResultColumns.callStruct(task);
  }

  /**
   * The model a row asks for: the call's, else a body's or parameters' {@code model}, else the
   * task's default.
   */
  private String modelOf(ObjectNode body) {
    if (model != null) {
      return model;
    }
    JsonNode named = body.get("model");
    if (named == null || named.isNull()) {
      return task.defaultModel();
    }
    if (!named.isTextual() || named.textValue().isBlank()) {
      throw new InvalidRequestException(
          "model", "must be a model name but got " + Json.describe(named));
    }
    return named.textValue();
  }

  /**
   * The request of one row from its argument values (Spark's external values: String, Seq, Map, ...
   * or null), or an item naming what is wrong.
   */
  public PendingItem item(Object[] values, JobPlan plan) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    String requested;
    try {
      constants.forEach(body::set);
      for (int i = 0; i < arguments.size(); i++) {
        Argument argument = arguments.get(i);
        Object value = values[i];
        switch (argument.role()) {
          case FIELD -> {
            if (value != null) {
              body.set(argument.field(), TableRows.toJson(value));
            }
          }
          case PARAMETERS -> {
            if (value != null) {
              body.setAll(object(argument.field(), value));
            }
          }
          case BODY -> {
            if (value == null) {
              throw new InvalidRequestException(argument.field(), "is required");
            }
            body.setAll(object(argument.field(), value));
          }
        }
      }
      requested = modelOf(body);
    } catch (InvalidRequestException e) {
      return PendingItem.invalid(task, model, e.getMessage());
    }
    ModelSpec spec = plan.model(task, requested);
    if (spec == null) {
      return PendingItem.invalid(task, requested, plan.unknownModelMessage(task, requested));
    }
    // The plan knows a model by the name asked for and by the one serving it (a preferred one).
    String rowModel = spec.name();
    body.put("model", rowModel);
    return TableMapping.single(task, rowModel, body, InvalidRequestException::getMessage);
  }

  /** A JSON object from a map or a JSON string, or an error naming the argument. */
  private static ObjectNode object(String field, Object value) {
    JsonNode node;
    if (value instanceof String text) {
      try {
        node = Json.MAPPER.readTree(text);
      } catch (JsonProcessingException e) {
        throw new InvalidRequestException(
            field, "must be a JSON object but could not be parsed: " + e.getOriginalMessage());
      }
    } else {
      node = TableRows.toJson(value);
    }
    if (node == null || !node.isObject()) {
      throw new InvalidRequestException(
          field,
          "must be a JSON object but got " + (node == null ? "nothing" : Json.describe(node)));
    }
    return (ObjectNode) node;
  }

  @Override
  public String toString() {
    return function;
  }
}
