package co.backprop.contract.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** Typed reads of one body's fields; every failure names the field it is about. */
final class BodyFields {
  private final ObjectNode body;

  BodyFields(JsonNode body, Set<String> allowedFields) {
    if (body == null || !body.isObject()) {
      throw new InvalidRequestException(
          "body", "must be a JSON object but got " + Json.describe(body));
    }
    this.body = (ObjectNode) body;
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowedFields.contains(name)) {
        throw new InvalidRequestException(
            name,
            "is not a field of this task; allowed fields: " + String.join(", ", allowedFields));
      }
    }
  }

  /** The raw value, or null when the field is absent or JSON null. */
  JsonNode get(String field) {
    JsonNode node = body.get(field);
    return node == null || node.isNull() ? null : node;
  }

  JsonNode required(String field) {
    JsonNode node = get(field);
    if (node == null) {
      throw new InvalidRequestException(field, "is required");
    }
    return node;
  }

  String optionalString(String field) {
    JsonNode node = get(field);
    return node == null ? null : string(field, node);
  }

  /** A present, non-empty string. */
  static String string(String field, JsonNode node) {
    if (node == null) {
      throw new InvalidRequestException(field, "is required");
    }
    if (!node.isTextual()) {
      throw new InvalidRequestException(field, "must be a string but got " + Json.describe(node));
    }
    if (node.textValue().isBlank()) {
      throw new InvalidRequestException(field, "must not be empty");
    }
    return withinLength(field, node.textValue(), RequestLimits.TEXT_CHARACTERS);
  }

  static String withinLength(String field, String text, int limit) {
    if (text.length() > limit) {
      throw new InvalidRequestException(
          field, "must be at most " + limit + " characters but has " + text.length());
    }
    return text;
  }

  /** A list of strings, possibly empty; each element must be a string (empty allowed). */
  static List<String> stringList(String field, JsonNode node) {
    if (!node.isArray()) {
      throw new InvalidRequestException(
          field, "must be a list of strings but got " + Json.describe(node));
    }
    if (node.size() > RequestLimits.CONVERSATION_TURNS) {
      throw new InvalidRequestException(
          field,
          "may hold at most " + RequestLimits.CONVERSATION_TURNS + " turns but has " + node.size());
    }
    List<String> values = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      JsonNode element = node.get(i);
      if (!element.isTextual()) {
        throw new InvalidRequestException(
            field + "[" + i + "]", "must be a string but got " + Json.describe(element));
      }
      values.add(
          withinLength(field + "[" + i + "]", element.textValue(), RequestLimits.TEXT_CHARACTERS));
    }
    return values;
  }

  /** Labels: a non-empty list of distinct, non-empty strings. */
  static List<String> labels(String field, JsonNode node) {
    if (node == null || !node.isArray() || node.isEmpty()) {
      throw new InvalidRequestException(
          field,
          "must be a non-empty list of strings but got "
              + (node != null && node.isArray() ? "an empty list" : Json.describe(node)));
    }
    if (node.size() > RequestLimits.LABELS) {
      throw new InvalidRequestException(
          field, "may hold at most " + RequestLimits.LABELS + " labels but has " + node.size());
    }
    List<String> labels = new ArrayList<>(node.size());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < node.size(); i++) {
      String label =
          withinLength(
              field + "[" + i + "]",
              string(field + "[" + i + "]", node.get(i)),
              RequestLimits.LABEL_CHARACTERS);
      if (!seen.add(label)) {
        throw new InvalidRequestException(field, "has the label '" + label + "' twice");
      }
      labels.add(label);
    }
    return labels;
  }

  /** A list with one element per batch item, checked for the batch's length. */
  JsonNode listOf(String field, int expectedSize, String perItemName) {
    JsonNode node = get(field);
    if (node == null) {
      return null;
    }
    if (!node.isArray()) {
      throw new InvalidRequestException(
          field,
          "must be a list (one " + perItemName + " per item) but got " + Json.describe(node));
    }
    if (node.size() != expectedSize) {
      throw new InvalidRequestException(
          field,
          "must have one "
              + perItemName
              + " per item: the batch has "
              + expectedSize
              + " items but "
              + field
              + " has "
              + node.size());
    }
    return node;
  }

  Integer optionalInteger(String field) {
    JsonNode node = get(field);
    if (node == null) {
      return null;
    }
    if (!node.isIntegralNumber()
        && !(node.isNumber() && node.asDouble() == Math.rint(node.asDouble()))) {
      throw new InvalidRequestException(field, "must be an integer but got " + describeValue(node));
    }
    if (!node.canConvertToInt()) {
      throw new InvalidRequestException(field, "is out of range: " + node.asText());
    }
    return node.asInt();
  }

  Long optionalLong(String field) {
    JsonNode node = get(field);
    if (node == null) {
      return null;
    }
    if (!node.isIntegralNumber() || !node.canConvertToLong()) {
      throw new InvalidRequestException(field, "must be an integer but got " + describeValue(node));
    }
    return node.asLong();
  }

  Double optionalNumber(String field) {
    JsonNode node = get(field);
    if (node == null) {
      return null;
    }
    if (!node.isNumber()) {
      throw new InvalidRequestException(field, "must be a number but got " + Json.describe(node));
    }
    if (!Double.isFinite(node.asDouble())) {
      throw new InvalidRequestException(
          field, "must be a finite number but got " + node.asDouble());
    }
    return node.asDouble();
  }

  private static String describeValue(JsonNode node) {
    return node.isNumber() ? node.asText() : Json.describe(node);
  }
}
