package co.backprop.engines.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import co.backprop.contract.model.ModelCatalog;
import co.backprop.contract.model.ModelKind;
import co.backprop.contract.model.ModelSpec;
import co.backprop.contract.model.ModelStore;
import co.backprop.contract.task.ClassificationRequest;
import co.backprop.contract.task.EmotionLabels;
import co.backprop.contract.task.SingleRequest;
import co.backprop.contract.task.Task;
import co.backprop.contract.task.TaskOutput;
import co.backprop.contract.task.TextRequest;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The offline defaults on the bundled MiniLM, on real text. */
class ZeroShotAndSummaryTest {
  @TempDir static Path emptyStore;

  /** The catalog's english default of a task, with nothing fetched (so no preferred model). */
  static ModelSpec english(Task task, ModelKind expectedKind) {
    ModelSpec spec = ModelCatalog.bundled(new ModelStore(emptyStore)).resolve(task, "english");
    assertThat(spec.kind()).isEqualTo(expectedKind);
    return spec;
  }

  static List<TaskOutput> run(ModelSpec spec, SingleRequest... requests) {
    try (ModelRunner<PreparedInput> runner = Fixtures.runner(spec)) {
      return runner.run(Arrays.stream(requests).map(runner::prepare).toList());
    }
  }

  private static String strongest(TaskOutput output) {
    return ((TaskOutput.Text) output).value().split(", ")[0];
  }

  @Test
  void theSeedsClassificationExampleGoesToProductIssue() {
    ModelSpec spec = english(Task.TEXT_CLASSIFICATION, ModelKind.ZERO_SHOT_EMBEDDING);
    TaskOutput.Probabilities output =
        (TaskOutput.Probabilities)
            run(
                    spec,
                    new ClassificationRequest(
                        "I am really mad because my product broke.",
                        List.of("product issue", "furniture", "space"),
                        null))
                .get(0);
    System.out.println("zero-shot by similarity: " + output.values());
    assertThat(output.values().keySet()).containsExactly("product issue", "furniture", "space");
    assertThat(output.values().get("product issue")).isGreaterThan(0.9);
    assertThat(output.values().values().stream().mapToDouble(Double::doubleValue).sum())
        .isCloseTo(1.0, within(1e-9));
  }

  @Test
  void emotionsComeOutStrongestFirstFromTheSeedsList() {
    ModelSpec spec = english(Task.EMOTION, ModelKind.ZERO_SHOT_EMBEDDING);
    List<TaskOutput> outputs =
        run(
            spec,
            new TextRequest("I hope this works", null),
            new TextRequest("I'll be most upset if things go wrong", null),
            new TextRequest("Thank you so much for your help!", null),
            new TextRequest("I am really mad because my product broke.", null),
            new TextRequest("The package arrived on Tuesday.", null),
            new TextRequest("Wow, I did not expect that at all!", null),
            new TextRequest("I miss my grandmother so much since she passed away.", null),
            new TextRequest("Could you explain how this works?", null));
    System.out.println("zero-shot emotions: " + outputs);
    assertThat(outputs)
        .extracting(ZeroShotAndSummaryTest::strongest)
        .containsExactly(
            "optimism",
            "sadness",
            "gratitude",
            "anger",
            "neutral",
            "surprise",
            "grief",
            "confusion");
    assertThat(outputs)
        .allSatisfy(
            output ->
                assertThat(EmotionLabels.ALL)
                    .containsAll(List.of(((TaskOutput.Text) output).value().split(", "))));
  }

  @Test
  void summariesKeepTheMostCentralSentencesInTheirOrder() {
    String text =
        "The new phone's battery drains within four hours of normal use. "
            + "It rained all afternoon in Lisbon. "
            + "Several owners report the battery overheating while charging overnight. "
            + "The manufacturer says a software update will fix the battery drain. "
            + "My colleague had soup for lunch. "
            + "Until then, owners are advised to charge the phone only while awake.";
    ModelSpec spec = english(Task.SUMMARISATION, ModelKind.EXTRACTIVE_SUMMARY);
    List<TaskOutput> outputs =
        run(spec, new TextRequest(text, null), new TextRequest("Only one sentence here.", null));
    String summary = ((TaskOutput.Text) outputs.get(0)).value();
    System.out.println("summary: " + summary);
    List<String> sentences = ExtractiveSummaryRunner.sentences(text);
    assertThat(sentences).hasSize(6);
    // A third of six sentences, in their order, none of the two off-topic ones.
    List<String> kept = ExtractiveSummaryRunner.sentences(summary);
    assertThat(kept).hasSize(2).allMatch(s -> s.contains("battery") || s.contains("phone"));
    assertThat(sentences.indexOf(kept.get(0))).isLessThan(sentences.indexOf(kept.get(1)));
    assertThat(outputs.get(1)).isEqualTo(new TaskOutput.Text("Only one sentence here."));
  }
}
