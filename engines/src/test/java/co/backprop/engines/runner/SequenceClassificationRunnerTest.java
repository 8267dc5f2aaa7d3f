package co.backprop.engines.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import co.backprop.contract.model.ModelKind;
import co.backprop.contract.task.ClassificationRequest;
import co.backprop.contract.task.InvalidRequestException;
import co.backprop.contract.task.SingleRequest;
import co.backprop.contract.task.Task;
import co.backprop.contract.task.TaskOutput;
import co.backprop.contract.task.TextRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fixture's multi-label classifier (joy, anger, sadness, neutral): [CLS] = (0, 0, 0, 0.2),
 * happy = (3, -2, -2, -1), sad = (-2, -1, 2.5, -1), broke = (-1, 1, 0.5, -1).
 */
class SequenceClassificationRunnerTest {
  private static List<TaskOutput> run(Task task, SingleRequest... requests) {
    try (SequenceClassificationRunner runner =
        Fixtures.runner(
            Fixtures.spec(
                task,
                "sequence-classification-tiny",
                ModelKind.SEQUENCE_CLASSIFICATION,
                Map.of()))) {
      return runner.run(java.util.Arrays.stream(requests).map(runner::prepare).toList());
    }
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  @Test
  void emotionAnswersTheLabelsAboveOneHalfStrongestFirst() {
    List<TaskOutput> outputs =
        run(
            Task.EMOTION,
            new TextRequest("Happy and sad", null),
            new TextRequest("hello", null),
            new TextRequest("sad, happy, sad", null));
    // happy and sad: (1, -3, 0.5, -1.8) → joy 0.73, sadness 0.62 above 0.5.
    assertThat(outputs.get(0)).isEqualTo(new TaskOutput.Text("joy, sadness"));
    // hello: only [CLS] → neutral sigmoid(0.2) = 0.55, the rest exactly 0.5 (not above).
    assertThat(outputs.get(1)).isEqualTo(new TaskOutput.Text("neutral"));
    // sad twice, happy once: (-1, -4, 3, -2.8) → sadness alone.
    assertThat(outputs.get(2)).isEqualTo(new TaskOutput.Text("sadness"));
  }

  @Test
  void classificationAnswersTheCallersLabelsWithTheirSigmoids() {
    TaskOutput.Probabilities output =
        (TaskOutput.Probabilities)
            run(
                    Task.TEXT_CLASSIFICATION,
                    new ClassificationRequest("My product broke", List.of("anger", "joy"), null))
                .get(0);
    assertThat(output.values().keySet()).containsExactly("anger", "joy");
    assertThat(output.values().get("anger")).isCloseTo(sigmoid(1), within(1e-6));
    assertThat(output.values().get("joy")).isCloseTo(sigmoid(-1), within(1e-6));
  }

  @Test
  void aLabelTheModelDoesNotKnowIsAnErrorNamingIt() {
    SequenceClassificationRunner runner =
        Fixtures.runner(
            Fixtures.spec(
                Task.TEXT_CLASSIFICATION,
                "sequence-classification-tiny",
                ModelKind.SEQUENCE_CLASSIFICATION,
                Map.of()));
    try (runner) {
      assertThatThrownBy(
              () ->
                  runner.prepare(new ClassificationRequest("x", List.of("joy", "furniture"), null)))
          .isInstanceOf(InvalidRequestException.class)
          .hasMessage(
              "labels[1]: 'furniture' is not a label of this model; its labels are joy, anger,"
                  + " sadness, neutral");
    }
  }
}
