package co.backprop.engines.runner;

import static org.assertj.core.api.Assertions.assertThat;

import co.backprop.contract.model.ModelKind;
import co.backprop.contract.task.QaRequest;
import co.backprop.contract.task.Task;
import co.backprop.contract.task.TaskOutput;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Span selection on the fixture QA model, whose start/end logits are per-token: [CLS] (1, 1), so
 * the no-answer score is 2; 42 (4, 4); london (3, 2.5); sally (2, 0); paris (3.5, 0.5); school
 * (1.5, 1.5); every other token (0, 0).
 */
class ExtractiveQaRunnerTest {
  private static String answer(Map<String, String> options, QaRequest request) {
    try (ExtractiveQaRunner runner =
        Fixtures.runner(Fixtures.spec(Task.QA, "qa-tiny", ModelKind.EXTRACTIVE_QA, options))) {
      return ((TaskOutput.Answer) runner.run(List.of(runner.prepare(request))).get(0)).value();
    }
  }

  private static String answer(String question, String context) {
    return answer(Map.of(), new QaRequest(question, context, null, null, null));
  }

  @Test
  void picksTheBestSpanAndKeepsTheContextsCase() {
    assertThat(answer("What is the meaning of life?", "The meaning of life is 42."))
        .isEqualTo("42"); // 8 > 2
    // london..london 5.5 beats sally..london 4.5
    assertThat(answer("Where does Sally live?", "Sally lives in London")).isEqualTo("London");
  }

  @Test
  void answersUnknownWhenNoSpanBeatsTheNoAnswerScore() {
    assertThat(answer("What is the meaning of life?", "The meaning of life is unclear."))
        .isEqualTo("unknown");
    // The question's own 42 is not an answer: only context tokens are.
    assertThat(answer("Is it 42?", "The meaning of life is unclear.")).isEqualTo("unknown");
  }

  @Test
  void boundsTheAnswerLength() {
    QaRequest request = new QaRequest("Where?", "Paris is far from London", null, null, null);
    // paris..london (5 tokens) scores 3.5 + 2.5 = 6, more than london alone (5.5)
    assertThat(answer(Map.of(), request)).isEqualTo("Paris is far from London");
    assertThat(answer(Map.of("maxAnswerTokens", "3"), request)).isEqualTo("London");
  }

  @Test
  void theConversationSoFarGoesBeforeTheQuestion() {
    QaRequest request =
        new QaRequest(
            "Where does Sally live?",
            "Sally lives in London",
            List.of("Where did Sally go to school?"),
            List.of("Paris"),
            null);
    assertThat(ExtractiveQaRunner.conversation(request))
        .isEqualTo("Where did Sally go to school? Paris Where does Sally live?");
    assertThat(answer(Map.of(), request))
        .isEqualTo("London"); // paris and school are question tokens here
  }

  @Test
  void aLongContextIsReadInOverlappingWindows() {
    String context = "I went to school. My name is Sally. ".repeat(4) + "Maybe 42.";
    QaRequest request = new QaRequest("What?", context, null, null, null);
    try (ExtractiveQaRunner runner =
        Fixtures.runner(
            Fixtures.spec(
                Task.QA,
                "qa-tiny",
                ModelKind.EXTRACTIVE_QA,
                Map.of("maxLength", "16", "stride", "4")))) {
      ExtractiveQaRunner.Input input = runner.prepare(request);
      assertThat(input.windows().size()).isGreaterThan(3);
      assertThat(((TaskOutput.Answer) runner.run(List.of(input)).get(0)).value()).isEqualTo("42");
    }
  }
}
