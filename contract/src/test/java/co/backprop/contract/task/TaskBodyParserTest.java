package co.backprop.contract.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TaskBodyParserTest {
  private static JsonNode json(String text) {
    try {
      return Json.MAPPER.readTree(text.replace('\'', '"'));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static String errorOf(Task task, String body) {
    try {
      TaskBodyParser.parse(task, json(body)).requireAllValid();
    } catch (InvalidRequestException e) {
      return e.getMessage();
    }
    throw new AssertionError("expected " + body + " to be rejected");
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "text-vectorisation | {} | text: is required",
        "text-vectorisation | {'text': 42} | text: must be a string or a list of strings but got a"
            + " number",
        "text-vectorisation | {'text': ''} | text: must not be empty",
        "text-vectorisation | {'text': '   '} | text: must not be empty",
        "text-vectorisation | {'text': []} | text: must be a non-empty list of strings but got an"
            + " empty list",
        "text-vectorisation | {'text': ['a', 7]} | text[1]: must be a string but got a number",
        "text-vectorisation | {'text': 'a', 'model': 3} | model: must be a string but got a number",
        "text-vectorisation | {'text': 'a', 'modle': 'english'} | modle: is not a field of this"
            + " task; allowed fields: text, model",
        "text-vectorisation | [1, 2] | body: must be a JSON object but got a list",
        "text-classification | {'text': 'a'} | labels: must be a non-empty list of strings but got"
            + " nothing",
        "text-classification | {'text': 'a', 'labels': []} | labels: must be a non-empty list of"
            + " strings but got an empty list",
        "text-classification | {'text': 'a', 'labels': 'x'} | labels: must be a non-empty list of"
            + " strings but got a string",
        "text-classification | {'text': 'a', 'labels': ['x', 'x']} | labels: has the label 'x'"
            + " twice",
        "text-classification | {'text': ['a', 'b'], 'labels': [['x']]} | labels: must have one list"
            + " of labels per item: the batch has 2 items but labels has 1",
        "text-classification | {'text': ['a'], 'labels': ['x']} | labels[0]: must be a non-empty"
            + " list of strings but got a string",
        "qa | {'question': 'q'} | context: is required",
        "qa | {'question': 'q', 'context': 'c', 'prev_q': ['a'], 'prev_a': []} | prev_a: must have"
            + " one answer per question of prev_q (1 questions, 0 answers)",
        "qa | {'question': ['q'], 'context': 'c'} | context: must be a list (one context per item)"
            + " but got a string",
        "qa | {'question': ['q', 'r'], 'context': ['c', 'd'], 'prev_q': [[], ['x']], 'prev_a': [[],"
            + " []]} | prev_a[1]: must have one answer per question of prev_q[1] (1 questions, 0"
            + " answers)",
        "image-classification | {'image': ['a'], 'labels': ['x']} | image: must be a string (a"
            + " base64 image) but got a list",
        "text-generation | {'text': 'a', 'top_k': 1.5} | top_k: must be an integer but got 1.5",
        "text-generation | {'text': 'a', 'top_p': 0} | top_p: must be in (0, 1] but got 0.0",
        "text-generation | {'text': 'a', 'temperature': -1} | temperature: must be 0 or more but"
            + " got -1.0",
        "text-generation | {'text': 'a', 'min_length': 30, 'max_length': 20} | min_length: must not"
            + " exceed max_length (30 > 20)",
        "text-generation | {'text': 'a', 'num_beams': 0} | num_beams: must be 1 or more but got 0",
        "text-generation | {'text': 'a', 'max_length': '20'} | max_length: must be an integer but"
            + " got a string",
      })
  void rejectsBadBodiesNamingTheField(String task, String body, String message) {
    assertThat(errorOf(Task.fromApiName(task), body)).isEqualTo(message);
  }

  @Test
  void aBadItemOfABatchSpoilsOnlyThatItem() {
    TaskBody body =
        TaskBodyParser.parse(Task.TEXT_VECTORISATION, json("{'text': ['good', '', 'fine']}"));
    assertThat(body.items()).extracting(BodyItem::isValid).containsExactly(true, false, true);
    assertThat(body.items().get(1).error()).hasMessage("text[1]: must not be empty");
    assertThat(body.items().get(2).request()).isEqualTo(new TextRequest("fine", null));
  }

  @Test
  void integralNumbersAreAcceptedForIntegerParameters() {
    TaskBody body =
        TaskBodyParser.parse(
            Task.TEXT_GENERATION, json("{'text': 'a', 'max_length': 20.0, 'temperature': 0}"));
    GenerationRequest request = (GenerationRequest) body.requests().get(0);
    assertThat(request.parameters().maxLength()).isEqualTo(20);
    assertThat(request.parameters().temperature()).isEqualTo(0.0);
  }

  @Test
  void unknownTaskNamesListTheKnownOnes() {
    assertThatThrownBy(() -> Task.fromApiName("translate"))
        .hasMessage(
            "unknown task 'translate'; known tasks: text-vectorisation, qa, text-classification, "
                + "image-classification, text-generation, summarisation, emotion");
  }

  @Test
  void singleBodiesRoundTripWithoutAddingFields() {
    JsonNode body = json("{'question': 'q', 'context': 'c'}");
    assertThat(TaskBodyParser.parse(Task.QA, body).toJson()).isEqualTo(body);
    assertThat(TaskBodyParser.parse(Task.QA, body).requests())
        .isEqualTo(List.of(new QaRequest("q", "c", null, null, null)));
  }
}
