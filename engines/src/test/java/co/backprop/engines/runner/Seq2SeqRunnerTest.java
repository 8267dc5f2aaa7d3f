package co.backprop.engines.runner;

import static org.assertj.core.api.Assertions.assertThat;

import co.backprop.contract.model.ModelKind;
import co.backprop.contract.task.GenerationParameters;
import co.backprop.contract.task.GenerationRequest;
import co.backprop.contract.task.SingleRequest;
import co.backprop.contract.task.Task;
import co.backprop.contract.task.TaskOutput;
import co.backprop.contract.task.TextRequest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fixture encoder-decoder: decoding starts from &lt;pad&gt;, which gives london and paris 0.5
 * each; every word present in the source adds 1; london and paris are followed by the end. So the
 * answer is whichever city the source names: the decoder reads the encoder.
 */
class Seq2SeqRunnerTest {
  private static List<TaskOutput> run(
      Task task, Map<String, String> options, SingleRequest... requests) {
    try (Seq2SeqRunner runner =
        Fixtures.runner(Fixtures.spec(task, "seq2seq-tiny", ModelKind.SEQ2SEQ, options))) {
      return runner.run(Arrays.stream(requests).map(runner::prepare).toList());
    }
  }

  private static GenerationParameters greedy() {
    return new GenerationParameters(null, null, 0.0, null, null, null, null, null, null, null);
  }

  @Test
  void answersWhatTheSourceSaysAndOnlyWhatItGenerated() {
    List<TaskOutput> outputs =
        run(
            Task.TEXT_GENERATION,
            Map.of(),
            new GenerationRequest(
                "c: sally lives in london q: where does sally live ?", greedy(), null),
            new GenerationRequest(
                "c: sally lives in paris q: where does sally live ?", greedy(), null),
            new GenerationRequest(
                "where does sally live ?",
                new GenerationParameters(null, null, null, null, null, null, null, 2, 2, null),
                null));
    assertThat(outputs.get(0)).isEqualTo(new TaskOutput.Text("london"));
    assertThat(outputs.get(1)).isEqualTo(new TaskOutput.Text("paris"));
    // No city in the source: both at 0.5, beam search returns both, london first (tie: lower id).
    assertThat(outputs.get(2)).isEqualTo(new TaskOutput.Texts(List.of("london", "paris")));
  }

  @Test
  void summarisesWithTheCatalogsPrefixAndDecodingOptions() {
    List<TaskOutput> outputs =
        run(
            Task.SUMMARISATION,
            Map.of("prefix", "c: ", "numBeams", "2"),
            new TextRequest("sally lives in paris", null));
    assertThat(outputs).containsExactly(new TaskOutput.Text("paris"));
  }
}
