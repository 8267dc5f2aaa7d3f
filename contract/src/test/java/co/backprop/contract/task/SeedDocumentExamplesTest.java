package co.backprop.contract.task;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every example body and response of the seed document (docs/backprop-api.md, a copy of the
 * Backprop API reference) parses with our schemas and is written back as the same JSON.
 */
class SeedDocumentExamplesTest {
  private static List<SeedDocument.Example> examples;

  @BeforeAll
  static void readDocument() {
    examples = SeedDocument.examples();
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
    for (SeedDocument.Example example : examples) {
      if (!example.isBody()) {
        continue;
      }
      TaskBody body = TaskBodyParser.parse(example.task(), example.json());
      assertThat(body.items()).as(example.source()).allMatch(BodyItem::isValid);
      assertThat(body.batch())
          .as(example.source())
          .isEqualTo(example.json().path(primaryField(example.task())).isArray());
      assertSameJson(example.source(), body.toJson(), example.json());
    }
  }

  @Test
  void everyResponseParsesAndIsWrittenBackUnchanged() {
    for (SeedDocument.Example example : examples) {
      if (example.isBody()) {
        continue;
      }
      TaskResponse response = TaskResponse.parse(example.task(), example.json());
      assertSameJson(example.source(), response.toJson(), example.json());
    }
  }

  @Test
  void batchBodiesExplodeIntoTheirItemsInOrder() {
    SeedDocument.Example qaBatch =
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

  /**
   * Same JSON; numbers compare as numbers (1 == 1.0) at float32 precision, as vectors are float32.
   */
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
