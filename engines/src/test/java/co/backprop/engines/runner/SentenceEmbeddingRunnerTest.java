package co.backprop.engines.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import co.backprop.contract.model.ModelCatalog;
import co.backprop.contract.model.ModelSpec;
import co.backprop.contract.task.Task;
import co.backprop.contract.task.TaskOutput;
import co.backprop.contract.task.TextRequest;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bundled all-MiniLM-L6-v2 against the sentence-transformers reference numbers. */
class SentenceEmbeddingRunnerTest {
  static final String WEATHER = "The weather is lovely today.";
  static final String SUNNY = "It's so sunny outside!";
  static final String STADIUM = "He drove to the stadium.";

  private static SentenceEmbeddingRunner runner;

  @BeforeAll
  static void load() {
    ModelSpec english = ModelCatalog.bundled().resolve(Task.TEXT_VECTORISATION, "english");
    runner =
        (SentenceEmbeddingRunner)
            ModelCache.get(english, RunnerOptions.cpu(1), () -> {}).newRunner();
  }

  @AfterAll
  static void close() {
    runner.close();
  }

  private static List<float[]> embed(String... texts) {
    List<EncodedText> batch =
        java.util.Arrays.stream(texts).map(SentenceEmbeddingRunnerTest::encode).toList();
    return runner.run(batch).stream().map(o -> ((TaskOutput.Vector) o).values()).toList();
  }

  private static EncodedText encode(String text) {
    return runner.prepare(new TextRequest(text, null));
  }

  @Test
  void reproducesTheSentenceTransformersSimilarities() {
    List<float[]> vectors = embed(WEATHER, SUNNY, STADIUM);
    assertThat(vectors.get(0)).hasSize(384);
    assertThat(Vectors.cosine(vectors.get(0), vectors.get(1))).isCloseTo(0.6660, within(0.001));
    assertThat(Vectors.cosine(vectors.get(0), vectors.get(2))).isCloseTo(0.1046, within(0.001));
  }

  @Test
  void vectorsAreUnitLength() {
    float[] vector = embed(WEATHER).get(0);
    double norm = 0;
    for (float value : vector) {
      norm += value * value;
    }
    assertThat(Math.sqrt(norm)).isCloseTo(1.0, within(1e-5));
  }

  @Test
  void paddingInABatchDoesNotChangeAVector() {
    float[] alone = embed(WEATHER).get(0);
    float[] padded =
        embed(
                WEATHER,
                "A much longer sentence that makes the batch pad the first one by many tokens.")
            .get(0);
    assertThat(Vectors.cosine(alone, padded)).isCloseTo(1.0, within(1e-5));
  }

  @Test
  void tokenisesWithoutPaddingAndTruncatesAt256() {
    EncodedText shortText = encode(WEATHER);
    assertThat(shortText.tokens()).isEqualTo(8); // [CLS] the weather is lovely today . [SEP]
    assertThat(shortText.truncated()).isFalse();

    EncodedText longText = encode("word ".repeat(300));
    assertThat(longText.tokens()).isEqualTo(256);
    assertThat(longText.truncated()).isTrue();

    EncodedText exactly = encode("word ".repeat(254));
    assertThat(exactly.tokens()).isEqualTo(256);
    assertThat(exactly.truncated()).isFalse();
  }
}
