package co.backprop.engines.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import co.backprop.contract.model.ModelKind;
import co.backprop.contract.task.ClassificationRequest;
import co.backprop.contract.task.Task;
import co.backprop.contract.task.TaskOutput;
import co.backprop.contract.task.TextRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The NLI runner on the fixture cross-encoder, whose logits are the sum of its tokens' rows: good =
 * (contradiction -1, entailment 2), bad = (2, -1), love = (0, 0.5), hate = (0.5, 0).
 */
class NliZeroShotRunnerTest {
  private static List<TaskOutput> run(Task task, Object request) {
    try (NliZeroShotRunner runner =
        Fixtures.runner(Fixtures.spec(task, "nli-tiny", ModelKind.NLI_ZERO_SHOT, Map.of()))) {
      return runner.run(List.of(runner.prepare((co.backprop.contract.task.SingleRequest) request)));
    }
  }

  @Test
  void classificationIsASoftmaxOfEntailmentAcrossTheLabels() {
    // "i love it" + "this example is good ." → entailment 0.5 + 2 = 2.5; with "bad": 0.5 - 1 =
    // -0.5.
    TaskOutput.Probabilities output =
        (TaskOutput.Probabilities)
            run(
                    Task.TEXT_CLASSIFICATION,
                    new ClassificationRequest("I love it", List.of("good", "bad"), null))
                .get(0);
    assertThat(output.values().keySet()).containsExactly("good", "bad");
    assertThat(output.values().get("good")).isCloseTo(1 / (1 + Math.exp(-3)), within(1e-6));
    assertThat(output.values().get("bad")).isCloseTo(1 / (1 + Math.exp(3)), within(1e-6));
    assertThat(output.values().values().stream().mapToDouble(Double::doubleValue).sum())
        .isCloseTo(1.0, within(1e-9));
  }

  @Test
  void emotionKeepsLabelsWhoseEntailmentBeatsContradiction() {
    // Of the 28 emotions only "love" is in the fixture's vocabulary; the others score the text
    // alone.
    // "i love it": entailment 0.5 vs contradiction 0 → sigmoid(0.5) = 0.62 > 0.5 for all 28, and
    // "this example is love ." adds 0.5 more → sigmoid(1) = 0.73: love first, the rest in order.
    TaskOutput.Text loved =
        (TaskOutput.Text) run(Task.EMOTION, new TextRequest("I love it", null)).get(0);
    assertThat(loved.value().split(", ")).hasSize(28).startsWith("love", "neutral", "admiration");
    // "i hate it": entailment 0 vs contradiction 0.5 → 0.38 for all but love (0.5 vs 0.5 → 0.5):
    // none is above the threshold, so only the strongest one.
    TaskOutput.Text hated =
        (TaskOutput.Text) run(Task.EMOTION, new TextRequest("I hate it", null)).get(0);
    assertThat(hated.value()).isEqualTo("love");
  }
}
