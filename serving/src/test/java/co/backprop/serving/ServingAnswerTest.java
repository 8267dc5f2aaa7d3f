package co.backprop.serving;

import static org.assertj.core.api.Assertions.assertThat;

import co.backprop.contract.serving.ServingAnswer;
import co.backprop.contract.task.Task;
import co.backprop.contract.task.TaskOutput;
import co.backprop.engines.pipeline.ItemResult;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a call's item results become the API's answer: 200, 400 or 503, and what is billed. */
class ServingAnswerTest {
  private static final ServedModels.Resolved MODEL =
      new ServedModels.Resolved("summarisation/acme/notes@/x", "notes", null);

  private static ItemResult summary(String text, double computeMs) {
    return ItemResult.computed(new TaskOutput.Text(text), "notes", "cpu", computeMs, false, 7);
  }

  @Test
  void computedItemsAreTheResponseAndAreBilled() {
    ServingAnswer answer =
        ServingServer.answer(
            Task.SUMMARISATION, true, MODEL, List.of(summary("a", 1.5), summary("b", 2.25)));

    assertThat(answer.status()).isEqualTo(ServingAnswer.Status.OK);
    assertThat(new String(answer.response(), StandardCharsets.UTF_8)).contains("\"a\"", "\"b\"");
    assertThat(answer.items()).isEqualTo(2);
    assertThat(answer.computeMs()).isEqualTo(3.75);
    assertThat(answer.model()).isEqualTo("notes");
  }

  @Test
  void aRowsErrorIsTheCallersAndTheComputedItemsAreStillBilled() {
    ServingAnswer answer =
        ServingServer.answer(
            Task.SUMMARISATION,
            true,
            MODEL,
            List.of(summary("a", 1.5), ItemResult.failed("notes", "text[1]: is empty")));

    assertThat(answer.status()).isEqualTo(ServingAnswer.Status.ERROR);
    assertThat(answer.error()).isEqualTo("text[1]: is empty");
    assertThat(answer.items()).isEqualTo(1);
    assertThat(answer.computeMs()).isEqualTo(1.5);
  }

  @Test
  void aModelGoneAfterTheCallWasClearedIsUnavailableNotTheCallersError() {
    // The front door cleared the call for an upload; it was deleted before the window ran. The
    // body's own error comes first, yet no body would have run: the answer is a 503.
    String gone = "model: it could not be loaded on this server";
    ServingAnswer answer =
        ServingServer.answer(
            Task.SUMMARISATION,
            true,
            MODEL,
            List.of(
                ItemResult.failed("notes", "text[0]: is empty"),
                ItemResult.modelUnavailable("notes", gone)));

    assertThat(answer.status()).isEqualTo(ServingAnswer.Status.UNAVAILABLE);
    assertThat(answer.error()).isEqualTo(gone);
    assertThat(answer.items()).isZero();
  }
}
