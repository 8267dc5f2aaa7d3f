package co.backprop.common.task;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every example body and response of the seed document (docs/backprop-api.md, a copy of the
 * Backprop API reference) parses with our schemas and is written back as the same JSON.
 */
class SeedDocumentExamplesTest {
  private static final Pattern SCHEMA_SECTION = Pattern.compile("<h2 id=\"tocS_(\\w+)\">");
  private static final Pattern ENDPOINT = Pattern.compile("`POST /([a-z-]+)`");
  private static final Pattern JSON_BLOCK = Pattern.compile("```json\\n(.*?)\\n```", Pattern.DOTALL);

  record Example(String source, Task task, boolean isBody, JsonNode json) {}

  private static List<Example> examples;

  @BeforeAll
  static void readDocument() throws IOException {
    String document = Files.readString(Path.of(System.getProperty("backprop.repo", ".."), "docs", "backprop-api.md"));
    examples = new ArrayList<>();
    schemaExamples(document);
    endpointExamples(document);
  }

  /** The json block under each schema heading, e.g. TextVectorisationBatch or QASingleResponse. */
  private static void schemaExamples(String document) throws IOException {
    Matcher section = SCHEMA_SECTION.matcher(document);
    while (section.find()) {
      String schema = section.group(1);
      Task task = taskOfSchema(schema);
      if (task == null) {
        continue; // models and uploads belong to the front door
      }
      Matcher block = JSON_BLOCK.matcher(document);
      assertThat(block.find(section.end())).as("json example of " + schema).isTrue();
      examples.add(
          new Example(schema, task, !schema.contains("Response"), Json.MAPPER.readTree(block.group(1))));
    }
  }

  /** Under each `POST /task`: the json after "Body parameter" and after "200 Response". */
  private static void endpointExamples(String document) throws IOException {
    Matcher endpoint = ENDPOINT.matcher(document);
    while (endpoint.find()) {
      Task task;
      try {
        task = Task.fromApiName(endpoint.group(1));
      } catch (IllegalArgumentException notATask) {
        continue;
      }
      int body = document.indexOf("> Body parameter", endpoint.end());
      int response = document.indexOf("> 200 Response", endpoint.end());
      Matcher block = JSON_BLOCK.matcher(document);
      assertThat(block.find(body)).isTrue();
      examples.add(new Example("POST /" + task + " body", task, true, Json.MAPPER.readTree(block.group(1))));
      assertThat(block.find(response)).isTrue();
      examples.add(new Example("POST /" + task + " 200", task, false, Json.MAPPER.readTree(block.group(1))));
    }
  }

  private static Task taskOfSchema(String schema) {
    String prefix = schema.replaceAll("(Body|Single|Batch|Response|SingleResponse|BatchResponse)$", "");
    prefix = prefix.replaceAll("(Single|Batch)$", "");
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

  @Test
  void theDocumentHasExamplesOfEveryTaskBodyAndResponse() {
    Set<Task> withBody = EnumSet.noneOf(Task.class);
    Set<Task> withResponse = EnumSet.noneOf(Task.class);
    examples.forEach(e -> (e.isBody() ? withBody : withResponse).add(e.task()));
    assertThat(withBody).containsExactlyInAnyOrder(Task.values());
    assertThat(withResponse).containsExactlyInAnyOrder(Task.values());
    // 6 tasks with body/single/batch + 6 responses ×3, image with 2 + 2, and 7 endpoints × 2.
    assertThat(examples).hasSize(6 * 6 + 4 + 14);
  }

  @Test
  void everyBodyParsesAndIsWrittenBackUnchanged() {
    for (Example example : examples) {
      if (!example.isBody()) {
        continue;
      }
      TaskBody body = TaskBodyParser.parse(example.task(), example.json());
      assertThat(body.items()).as(example.source()).allMatch(BodyItem::isValid);
      assertThat(body.batch()).as(example.source()).isEqualTo(example.json().path(primaryField(example.task())).isArray());
      assertSameJson(example.source(), body.toJson(), example.json());
    }
  }

  @Test
  void everyResponseParsesAndIsWrittenBackUnchanged() {
    for (Example example : examples) {
      if (example.isBody()) {
        continue;
      }
      TaskResponse response = TaskResponse.parse(example.task(), example.json());
      assertSameJson(example.source(), response.toJson(), example.json());
    }
  }

  @Test
  void batchBodiesExplodeIntoTheirItemsInOrder() {
    Example qaBatch =
        examples.stream().filter(e -> e.source().equals("QABatch")).findFirst().orElseThrow();
    List<SingleRequest> items = TaskBodyParser.parse(Task.QA, qaBatch.json()).requests();
    assertThat(items)
        .containsExactly(
            new QaRequest(
                "What is the meaning of life?",
                "The meaning of life is 42.",
                List.of("What is not the meaning of life?"),
                List.of("unknown"),
                "english"),
            new QaRequest(
                "Where does Sally live?",
                "Sally lives in London",
                List.of("Where did Sally go to school?"),
                List.of("unknown"),
                "english"));
  }

  private static String primaryField(Task task) {
    return switch (task) {
      case QA -> "question";
      case IMAGE_CLASSIFICATION -> "image";
      default -> "text";
    };
  }

  /** Same JSON; numbers compare as numbers (1 == 1.0) at float32 precision, as vectors are float32. */
  private static void assertSameJson(String source, JsonNode actual, JsonNode expected) {
    Comparator<JsonNode> numbers =
        (a, b) -> {
          if (a.isNumber() && b.isNumber()) {
            double x = a.asDouble();
            double y = b.asDouble();
            return Math.abs(x - y) <= 1e-6 * Math.max(1, Math.abs(y)) ? 0 : 1;
          }
          return a.equals(b) ? 0 : 1;
        };
    assertThat(actual.equals(numbers, expected))
        .as(source + ": wrote " + actual + " but the document says " + expected)
        .isTrue();
  }
}
