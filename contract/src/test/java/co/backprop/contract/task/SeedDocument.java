package co.backprop.contract.task;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The example bodies and responses of the seed document (docs/backprop-api.md, a copy of the
 * Backprop API reference): the json block under each schema heading (TextVectorisationBatch,
 * QASingleResponse, ...) and, under each {@code POST /task}, the ones after "Body parameter" and
 * "200 Response".
 */
public final class SeedDocument {
  private static final Pattern SCHEMA_SECTION = Pattern.compile("<h2 id=\"tocS_(\\w+)\">");
  private static final Pattern ENDPOINT = Pattern.compile("`POST /([a-z-]+)`");
  private static final Pattern JSON_BLOCK =
      Pattern.compile("```json\\n(.*?)\\n```", Pattern.DOTALL);

  /** One example: where it is in the document, its task, body or response, and the JSON. */
  public record Example(String source, Task task, boolean isBody, JsonNode json) {}

  private SeedDocument() {}

  public static List<Example> examples() {
    try {
      String document =
          Files.readString(
              Path.of(System.getProperty("backprop.repo", ".."), "docs", "backprop-api.md"));
      List<Example> examples = new ArrayList<>();
      Matcher section = SCHEMA_SECTION.matcher(document);
      while (section.find()) {
        String schema = section.group(1);
        Task task = taskOfSchema(schema);
        if (task == null) {
          continue; // models and uploads belong to the front door's own tests
        }
        Matcher block = JSON_BLOCK.matcher(document);
        if (!block.find(section.end())) {
          throw new IllegalStateException("no json example under " + schema);
        }
        examples.add(
            new Example(
                schema, task, !schema.contains("Response"), Json.MAPPER.readTree(block.group(1))));
      }
      Matcher endpoint = ENDPOINT.matcher(document);
      while (endpoint.find()) {
        Task task;
        try {
          task = Task.fromApiName(endpoint.group(1));
        } catch (IllegalArgumentException notATask) {
          continue;
        }
        Matcher block = JSON_BLOCK.matcher(document);
        block.find(document.indexOf("> Body parameter", endpoint.end()));
        examples.add(
            new Example(
                "POST /" + task + " body", task, true, Json.MAPPER.readTree(block.group(1))));
        block.find(document.indexOf("> 200 Response", endpoint.end()));
        examples.add(
            new Example(
                "POST /" + task + " 200", task, false, Json.MAPPER.readTree(block.group(1))));
      }
      return examples;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Task taskOfSchema(String schema) {
    String prefix =
        schema
            .replaceAll("(Body|Single|Batch|Response|SingleResponse|BatchResponse)$", "")
            .replaceAll("(Single|Batch)$", "");
    return switch (prefix) {
      case "TextVectorisation" -> Task.TEXT_VECTORISATION;
      case "QA" -> Task.QA;
      case "TextClassification" -> Task.TEXT_CLASSIFICATION;
      case "ImageClassification" -> Task.IMAGE_CLASSIFICATION;
      case "TextGeneration" -> Task.TEXT_GENERATION;
      case "Summarisation" -> Task.SUMMARISATION;
      case "Emotion" -> Task.EMOTION;
      default -> null;
    };
  }
}
