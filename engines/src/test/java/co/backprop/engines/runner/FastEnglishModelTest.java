package co.backprop.engines.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import co.backprop.contract.model.ModelCatalog;
import co.backprop.contract.model.ModelSpec;
import co.backprop.contract.task.ClassificationRequest;
import co.backprop.contract.task.Task;
import co.backprop.contract.task.TaskOutput;
import co.backprop.contract.task.TextRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code english-fast}, the int8 all-MiniLM-L6-v2 bundled beside the fp32 one: a different model
 * (its vectors are not the fp32 ones) whose vectors stay close to them and to the reference
 * similarities.
 */
class FastEnglishModelTest {
  private static final List<String> SENTENCES =
      List.of(
          SentenceEmbeddingRunnerTest.WEATHER,
          SentenceEmbeddingRunnerTest.SUNNY,
          SentenceEmbeddingRunnerTest.STADIUM,
          "iPhone 12 128GB with a cracked screen",
          "Acme chef's knife, pro twin pack",
          "Contoso noise-cancelling earbuds, black",
          "My new oak desk and chair arrived, and the chair wobbles.",
          "I am really mad because my product broke.",
          "Thank you so much for your help!",
          "The meaning of life is 42.",
          "Sally lives in London and works at a bakery near the river.",
          "Quarterly revenue rose 12% while operating costs fell.");

  private static SentenceEmbeddingRunner fast;
  private static SentenceEmbeddingRunner full;

  @BeforeAll
  static void load() {
    fast = runner("english-fast");
    full = runner("english");
  }

  private static SentenceEmbeddingRunner runner(String name) {
    ModelSpec spec = ModelCatalog.bundled().resolve(Task.TEXT_VECTORISATION, name);
    return (SentenceEmbeddingRunner)
        ModelCache.get(spec, RunnerOptions.cpu(1), () -> {}).newRunner();
  }

  @AfterAll
  static void close() {
    fast.close();
    full.close();
  }

  private static List<float[]> embed(SentenceEmbeddingRunner runner, List<String> texts) {
    List<EncodedText> batch = new ArrayList<>();
    texts.forEach(text -> batch.add(runner.prepare(new TextRequest(text, null))));
    return runner.run(batch).stream().map(o -> ((TaskOutput.Vector) o).values()).toList();
  }

  @Test
  void theInt8VectorsStayCloseToTheFp32OnesWithoutBeingThem() {
    ModelSpec spec = ModelCatalog.bundled().resolve(Task.TEXT_VECTORISATION, "english-fast");
    assertThat(spec.location()).startsWith("classpath:");
    List<float[]> quantised = embed(fast, SENTENCES);
    List<float[]> reference = embed(full, SENTENCES);
    double sum = 0;
    double worst = 1;
    double largestDifference = 0;
    for (int i = 0; i < SENTENCES.size(); i++) {
      assertThat(quantised.get(i)).hasSize(384);
      double cosine = Vectors.cosine(quantised.get(i), reference.get(i));
      sum += cosine;
      worst = Math.min(worst, cosine);
      for (int d = 0; d < 384; d++) {
        largestDifference =
            Math.max(largestDifference, Math.abs(quantised.get(i)[d] - reference.get(i)[d]));
      }
    }
    assertThat(sum / SENTENCES.size()).isGreaterThan(0.98);
    assertThat(worst).isGreaterThan(0.95);
    assertThat(largestDifference)
        .as("a different model, not the fp32 one again")
        .isGreaterThan(1e-3);
    // The sentence-transformers reference similarities, within what int8 costs.
    assertThat(Vectors.cosine(quantised.get(0), quantised.get(1))).isCloseTo(0.6660, within(0.03));
    assertThat(Vectors.cosine(quantised.get(0), quantised.get(2))).isCloseTo(0.1046, within(0.03));
  }

  @Test
  void aSentencesInt8VectorShiftsWithTheSentencesBesideIt() {
    // The int8 graph quantises its activations with one scale per call (DynamicQuantizeLinear), so
    // a sentence read beside others gets another vector than read alone, as far from it as int8 is
    // from fp32 (measured here: worst 0.960, typically 0.99). The fp32 model's masked padding
    // leaves a sentence's vector as it was, whatever shares its micro-batch.
    double fastWorst = worstCosineAloneAgainstBatched(fast);
    double fullWorst = worstCosineAloneAgainstBatched(full);
    System.out.printf(
        "alone vs batched, worst cosine: english-fast %.6f, english %.8f%n", fastWorst, fullWorst);
    assertThat(fullWorst).isGreaterThan(0.99999);
    assertThat(fastWorst).isGreaterThan(0.95);
  }

  private static double worstCosineAloneAgainstBatched(SentenceEmbeddingRunner runner) {
    List<float[]> batched = embed(runner, SENTENCES);
    double worst = 1;
    for (int i = 0; i < SENTENCES.size(); i++) {
      float[] alone = embed(runner, List.of(SENTENCES.get(i))).get(0);
      worst = Math.min(worst, Vectors.cosine(alone, batched.get(i)));
    }
    return worst;
  }

  @Test
  void zeroShotClassificationOnEnglishFastAgreesWithEnglish() {
    ClassificationRequest request =
        new ClassificationRequest(
            "I am really mad because my product broke.",
            List.of("product issue", "furniture", "space"),
            null);
    java.util.Map<String, Double> fastOut = classify("english-fast", request);
    java.util.Map<String, Double> fullOut = classify("english", request);
    assertThat(fastOut.keySet()).containsExactlyElementsOf(fullOut.keySet());
    fullOut.forEach(
        (label, p) -> assertThat(fastOut.get(label)).as(label).isCloseTo(p, within(0.05)));
    assertThat(fastOut.get("product issue")).isGreaterThan(0.5);
    for (Task task : List.of(Task.EMOTION, Task.SUMMARISATION)) {
      ModelSpec spec = ModelCatalog.bundled().resolve(task, "english-fast");
      assertThat(spec.artifact()).as(task.apiName()).isEqualTo("all-minilm-l6-v2-q");
    }
  }

  private static java.util.Map<String, Double> classify(
      String model, ClassificationRequest request) {
    ModelSpec spec = ModelCatalog.bundled().resolve(Task.TEXT_CLASSIFICATION, model);
    assertThat(spec.kind()).isEqualTo(co.backprop.contract.model.ModelKind.ZERO_SHOT_EMBEDDING);
    @SuppressWarnings("unchecked")
    ModelRunner<PreparedInput> runner =
        (ModelRunner<PreparedInput>)
            ModelCache.get(spec, RunnerOptions.cpu(1), () -> {}).newRunner();
    try {
      TaskOutput output = runner.run(List.of(runner.prepare(request))).get(0);
      return ((TaskOutput.Probabilities) output).values();
    } finally {
      runner.close();
    }
  }
}
