package co.backprop.contract.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one Jackson mapper of the project, and how a JSON value is named in error messages. */
public final class Json {
  public static final ObjectMapper MAPPER = JsonMapper.builder().build();

  private Json() {}

  /** "string", "number", "list", "object", ... as an error message should say it. */
  public static String describe(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "nothing";
    }
    return switch (node.getNodeType()) {
      case ARRAY -> "a list";
      case OBJECT -> "an object";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      case POJO ->
          "a value of type "
              + ((com.fasterxml.jackson.databind.node.POJONode) node)
                  .getPojo()
                  .getClass()
                  .getSimpleName();
      default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
