package co.backprop.engines.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.backprop.contract.model.ModelException;
import co.backprop.contract.model.ModelSpec;
import co.backprop.contract.task.Task;
import co.backprop.contract.task.TaskOutput;
import co.backprop.contract.task.TextRequest;
import co.backprop.engines.pipeline.BatchPolicy;
import co.backprop.engines.pipeline.CompletedRow;
import co.backprop.engines.pipeline.ItemResult;
import co.backprop.engines.pipeline.PartitionPipeline;
import co.backprop.engines.pipeline.PendingItem;
import co.backprop.engines.pipeline.PendingRow;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An account's upload replaced: the model loaded from the old folder is retired at the next load,
 * keeps running for the runner still open on it, and closes when that runner does.
 */
class ModelCacheTest {
  @TempDir Path dir;

  private ModelSpec upload(String name) throws IOException {
    return Fixtures.emotionUpload(dir, name);
  }

  private static void delete(Path folder) throws IOException {
    Fixtures.delete(folder);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static List<TaskOutput> emotion(ModelRunner runner, String text) {
    return runner.run(List.of(runner.prepare(new TextRequest(text, null))));
  }

  @Test
  void aModelWhoseFolderIsGoneClosesAfterItsLastRunner() throws IOException {
    ModelSpec first = upload("first");
    LoadedModel old = ModelCache.get(first, RunnerOptions.cpu(1), () -> {});
    ModelRunner<?> stillOpen = old.newRunner();
    List<TaskOutput> before = emotion(stillOpen, "Happy and sad");

    // Replaced: the new upload's folder, the old one removed; loading the new retires the old.
    ModelSpec second = upload("second");
    delete(Path.of(first.location()));
    LoadedModel replacement = ModelCache.get(second, RunnerOptions.cpu(1), () -> {});
    assertThat(replacement).isNotSameAs(old);
    assertThat(old.retired()).isTrue();
    assertThatThrownBy(old::newRunner)
        .isInstanceOf(ModelException.class)
        .hasMessage("the model's files were replaced or removed since it was loaded");

    // The runner open on it still runs, on weights still open, and answers as before.
    assertThat(old.isClosed()).isFalse();
    assertThat(emotion(stillOpen, "Happy and sad")).isEqualTo(before);
    try (ModelRunner<?> fresh = replacement.newRunner()) {
      assertThat(emotion(fresh, "Happy and sad")).isEqualTo(before);
    }
    stillOpen.close();
    assertThat(old.isClosed()).isTrue();
    stillOpen.close(); // a second close does nothing
    assertThat(replacement.isClosed()).isFalse();
    assertThat(replacement.retired()).isFalse();

    // Asked for again, the old upload is looked for afresh, and is not there.
    assertThatThrownBy(() -> ModelCache.get(first, RunnerOptions.cpu(1), () -> {}))
        .isInstanceOf(ModelException.class);
  }

  private static PendingRow<Integer> call(int number, String model) {
    return PendingRow.of(
        number, PendingItem.valid(Task.EMOTION, model, new TextRequest("Happy and sad", null)));
  }

  @Test
  void aServingWindowLetsGoOfARetiredModelAndFailsOnlyTheRowsOfOneItCannotHave()
      throws IOException {
    ModelSpec first = upload("one");
    ModelSpec second = upload("two");
    Map<String, ModelSpec> specs = Map.of("moods@one", first, "moods@two", second);
    PartitionPipeline.ModelSource source =
        (task, key) -> ModelCache.get(specs.get(key), RunnerOptions.cpu(1), () -> {});
    try (PartitionPipeline<Integer> pipeline =
        new PartitionPipeline<>(source, BatchPolicy.DEFAULT)) {
      assertThat(pipeline.runWindow(List.of(call(1, "moods@one"))).get(0).results().get(0).ok())
          .isTrue();
      LoadedModel old = source.model(Task.EMOTION, "moods@one");

      // "one" is replaced by "two"; a window has a call still cleared for "one".
      delete(Path.of(first.location()));
      List<CompletedRow<Integer>> window =
          pipeline.runWindow(List.of(call(2, "moods@two"), call(3, "moods@one")));
      // The runner it kept open on "one" is closed before the window: "one" closes with it.
      assertThat(old.retired()).isTrue();
      assertThat(old.isClosed()).isTrue();
      ItemResult two = window.get(0).results().get(0);
      assertThat(two.ok()).as(two.error()).isTrue();
      assertThat(two.output().toString()).contains("joy").contains("sadness");
      ItemResult gone = window.get(1).results().get(0);
      assertThat(gone.ok()).isFalse();
      assertThat(gone.failure()).isEqualTo(ItemResult.Failure.MODEL_UNAVAILABLE);
      assertThat(gone.error())
          .isEqualTo(
              "model: it could not be loaded on this server (it may have just been replaced or"
                  + " deleted); the operator's log has the details");
    }
  }
}
