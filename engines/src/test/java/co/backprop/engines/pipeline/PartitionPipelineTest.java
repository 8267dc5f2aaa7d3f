package co.backprop.engines.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import co.backprop.contract.model.ModelCatalog;
import co.backprop.contract.task.SingleRequest;
import co.backprop.contract.task.Task;
import co.backprop.contract.task.TaskOutput;
import co.backprop.contract.task.TextRequest;
import co.backprop.engines.runner.EncodedText;
import co.backprop.engines.runner.LoadedModel;
import co.backprop.engines.runner.ModelCache;
import co.backprop.engines.runner.ModelRunner;
import co.backprop.engines.runner.RunnerOptions;
import co.backprop.engines.runner.SentenceEmbeddingRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PartitionPipelineTest {
  private static LoadedModel minilm;

  @BeforeAll
  static void load() {
    minilm =
        ModelCache.get(
            ModelCatalog.bundled().resolve(Task.TEXT_VECTORISATION, "english"),
            RunnerOptions.cpu(1),
            () -> {});
  }

  private static List<String> sentencesOfMixedLength(int count) {
    Random random = new Random(7);
    List<String> sentences = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      sentences.add("sentence " + i + " " + "and more words ".repeat(random.nextInt(12)));
    }
    return sentences;
  }

  private static PendingRow<Integer> row(int number, String text) {
    return PendingRow.of(
        number, PendingItem.valid(Task.TEXT_VECTORISATION, "english", new TextRequest(text, null)));
  }

  private static List<CompletedRow<Integer>> run(
      PartitionPipeline.ModelSource source, BatchPolicy policy, List<PendingRow<Integer>> rows) {
    List<CompletedRow<Integer>> completed = new ArrayList<>();
    try (PartitionPipeline<Integer> pipeline = new PartitionPipeline<>(source, policy)) {
      pipeline.process(rows.iterator()).forEachRemaining(completed::add);
    }
    return completed;
  }

  @Test
  void givesRowsBackInInputOrderWithTheVectorsOfEachText() {
    List<String> sentences = sentencesOfMixedLength(120);
    List<PendingRow<Integer>> rows = new ArrayList<>();
    IntStream.range(0, sentences.size()).forEach(i -> rows.add(row(i, sentences.get(i))));

    // Small windows and budgets: many windows, many sorted micro-batches.
    List<CompletedRow<Integer>> completed =
        run((task, model) -> minilm, new BatchPolicy(200, 16, 50), rows);

    assertThat(completed)
        .extracting(CompletedRow::carrier)
        .containsExactlyElementsOf(IntStream.range(0, 120).boxed().toList());
    try (SentenceEmbeddingRunner alone = (SentenceEmbeddingRunner) minilm.newRunner()) {
      for (int i : new int[] {0, 37, 119}) {
        float[] expected =
            ((TaskOutput.Vector)
                    alone
                        .run(List.of(alone.prepare(new TextRequest(sentences.get(i), null))))
                        .get(0))
                .values();
        float[] actual = ((TaskOutput.Vector) completed.get(i).results().get(0).output()).values();
        assertThat(actual).containsExactly(expected, within(1e-5f));
      }
    }
    assertThat(completed)
        .allSatisfy(
            row -> {
              ItemResult result = row.results().get(0);
              assertThat(result.ok()).isTrue();
              assertThat(result.device()).isEqualTo("cpu");
              assertThat(result.computeMs()).isPositive();
            });
  }

  @Test
  void sharesABatchsComputeTimeByTokens() {
    List<PendingRow<Integer>> rows =
        List.of(
            row(0, "short one"),
            row(1, "a rather longer sentence with quite a few more tokens in it"));
    List<CompletedRow<Integer>> completed =
        run((task, model) -> minilm, new BatchPolicy(4096, 64, 100), rows);
    ItemResult shortResult = completed.get(0).results().get(0);
    ItemResult longResult = completed.get(1).results().get(0);
    assertThat(longResult.computeMs() / shortResult.computeMs())
        .isCloseTo((double) longResult.tokens() / shortResult.tokens(), within(1e-9));
  }

  @Test
  void invalidItemsPassThroughAsErrorsBesideValidOnes() {
    List<PendingRow<Integer>> rows =
        List.of(
            row(0, "fine"),
            PendingRow.of(
                1,
                PendingItem.invalid(Task.TEXT_VECTORISATION, "english", "text: must not be empty")),
            new PendingRow<>(
                2,
                List.of(
                    PendingItem.valid(
                        Task.TEXT_VECTORISATION, "english", new TextRequest("a", null)),
                    PendingItem.invalid(
                        Task.TEXT_VECTORISATION,
                        "english",
                        "text[1]: must be a string but got a number"),
                    PendingItem.valid(
                        Task.TEXT_VECTORISATION, "english", new TextRequest("c", null)))));
    List<CompletedRow<Integer>> completed = run((task, model) -> minilm, BatchPolicy.DEFAULT, rows);
    assertThat(completed.get(1).results())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.status()).isEqualTo("error");
              assertThat(r.error()).isEqualTo("text: must not be empty");
              assertThat(r.computeMs()).isZero();
            });
    assertThat(completed.get(2).results())
        .extracting(ItemResult::status)
        .containsExactly("ok", "error", "ok");
  }

  /** A runner that fails any batch holding the text "boom": the pipeline must isolate that row. */
  private static final class FailsOnBoom implements ModelRunner<EncodedText> {
    final List<Integer> batchSizes = new ArrayList<>();

    @Override
    public EncodedText prepare(SingleRequest request) {
      String text = ((TextRequest) request).text();
      return new EncodedText(new long[] {text.equals("boom") ? -1 : 1}, new long[] {0}, false);
    }

    @Override
    public List<TaskOutput> run(List<EncodedText> batch) {
      batchSizes.add(batch.size());
      if (batch.stream().anyMatch(t -> t.ids()[0] == -1)) {
        throw new IllegalStateException("engine rejected the input");
      }
      return batch.stream().map(t -> (TaskOutput) new TaskOutput.Vector(new float[] {1})).toList();
    }

    LoadedModel loaded() {
      return new LoadedModel("cpu", () -> this, () -> {});
    }

    @Override
    public void close() {}
  }

  @Test
  void aRowThatBreaksItsBatchFailsAloneAndTheOthersSucceed() {
    FailsOnBoom model = new FailsOnBoom();
    List<PendingRow<Integer>> rows = List.of(row(0, "a"), row(1, "boom"), row(2, "c"));
    List<CompletedRow<Integer>> completed =
        run((task, name) -> model.loaded(), BatchPolicy.DEFAULT, rows);
    assertThat(completed)
        .extracting(r -> r.results().get(0).status())
        .containsExactly("ok", "error", "ok");
    assertThat(completed.get(1).results().get(0).error())
        .isEqualTo("inference failed: engine rejected the input");
    assertThat(model.batchSizes).containsExactly(3, 1, 1, 1);
  }
}
