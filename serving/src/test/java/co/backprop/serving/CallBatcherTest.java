package co.backprop.serving;

import static org.assertj.core.api.Assertions.assertThat;

import co.backprop.contract.model.ModelSpec;
import co.backprop.contract.task.Task;
import co.backprop.contract.task.TextRequest;
import co.backprop.engines.pipeline.BatchPolicy;
import co.backprop.engines.pipeline.ItemResult;
import co.backprop.engines.pipeline.PartitionPipeline;
import co.backprop.engines.pipeline.PendingItem;
import co.backprop.engines.runner.Fixtures;
import co.backprop.engines.runner.LoadedModel;
import co.backprop.engines.runner.ModelCache;
import co.backprop.engines.runner.RunnerOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CallBatcherTest {
  @TempDir Path dir;

  @Test
  void anIdleProcessLetsGoOfAnUploadDeletedAfterItsLastCall() throws Exception {
    ModelSpec upload = Fixtures.emotionUpload(dir, "idle");
    PartitionPipeline.ModelSource source =
        (task, key) -> ModelCache.get(upload, RunnerOptions.cpu(1), () -> {});
    try (CallBatcher batcher =
        new CallBatcher(source, BatchPolicy.DEFAULT, 1, 8, Duration.ofMillis(5))) {
      CompletableFuture<List<ItemResult>> results = new CompletableFuture<>();
      PendingItem item =
          PendingItem.valid(Task.EMOTION, "moods@idle", new TextRequest("Happy and sad", null));
      assertThat(
              batcher.offer(
                  new CallBatcher.Call(
                      List.of(item), System.currentTimeMillis() + 30_000, results)))
          .isTrue();
      ItemResult answered = results.get(30, TimeUnit.SECONDS).get(0);
      assertThat(answered.ok()).as(answered.error()).isTrue();
      LoadedModel model = source.model(Task.EMOTION, "moods@idle");
      assertThat(model.isClosed()).isFalse();

      // The account deletes the model, and no call comes after: nothing loads in this process.
      Fixtures.delete(Path.of(upload.location()));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (!model.isClosed() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(model.retired()).isTrue();
      assertThat(model.isClosed())
          .as("the idle process still holds the deleted upload's model")
          .isTrue();
    }
  }
}
