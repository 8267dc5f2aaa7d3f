package co.backprop.frontdoor.http;

import co.backprop.contract.task.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;

/** Request bodies as JSON and answers as JSON, with the errors the API documents. */
final class Bodies {
  private Bodies() {}

  static JsonNode json(Context ctx) {
    String body = ctx.body();
    if (body.isBlank()) {
      throw ApiException.badRequest("body: a JSON body is required");
    }
    try {
      return Json.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("body: not valid JSON: " + e.getOriginalMessage());
    }
  }

  static void send(Context ctx, int status, Object value) {
    try {
      ctx.status(status)
          .contentType("application/json")
          .result(Json.MAPPER.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static void error(Context ctx, int status, String message) {
    send(ctx, status, Json.MAPPER.createObjectNode().put("message", message));
  }
}
