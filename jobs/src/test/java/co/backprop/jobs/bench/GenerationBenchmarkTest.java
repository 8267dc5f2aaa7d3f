package co.backprop.jobs.bench;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generation benchmark on the fixture language model (engines' make_fixtures.py: a bigram
 * table, minus 1 for every "the" already in the text): its bare baseline decodes what the table
 * says, and one short run of the whole benchmark reports every rate. The rates themselves mean
 * nothing here.
 */
class GenerationBenchmarkTest {
  @TempDir static Path folder;

  @BeforeAll
  static void copyFixture() throws IOException {
    for (String file : List.of("model.onnx", "tokenizer.json", "config.json")) {
      try (InputStream in =
          GenerationBenchmarkTest.class.getResourceAsStream("/fixtures/lm-tiny-cached/" + file)) {
        Files.copy(in, folder.resolve(file));
      }
    }
  }

  private static long[] tokens(HuggingFaceTokenizer tokenizer, String text) {
    return tokenizer.encode(text, false, false).getIds();
  }

  @Test
  void theBareLoopDecodesGreedilyWithItsCacheAcrossLeftPaddedPrompts() throws Exception {
    try (HuggingFaceTokenizer tokenizer =
            HuggingFaceTokenizer.newInstance(folder.resolve("tokenizer.json"));
        BareDecodingLoop loop =
            BareDecodingLoop.open(folder.resolve("model.onnx"), 1).orElseThrow()) {
      long[][] generated =
          loop.generate(List.of(tokens(tokenizer, "the"), tokens(tokenizer, "the dog")), 3);
      // the → cat 3 → sat 3 → on 3; dog → ran 2 (not sat 1.2) → away 2 (not end 1) → end 3.
      assertThat(generated[0]).containsExactly(tokens(tokenizer, "cat sat on"));
      assertThat(generated[1]).startsWith(tokens(tokenizer, "ran away"));
      assertThat(generated[1][2]).as("away → end, the end of text").isZero();
    }
  }

  @Test
  void oneRunReportsTheCacheTheBareLoopSamplingAndRecomputing() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    GenerationBenchmark.Result result =
        new GenerationBenchmark(
                folder,
                6,
                4,
                4,
                1,
                new PrintStream(printed, true, StandardCharsets.UTF_8),
                Duration.ofMillis(100),
                Duration.ofMillis(100))
            .run();
    assertThat(result.cachedTokensPerSecond()).isPositive();
    assertThat(result.bareTokensPerSecond()).isPresent();
    assertThat(result.bareTokensPerSecond().getAsDouble()).isPositive();
    assertThat(result.sampledTokensPerSecond()).isPositive();
    assertThat(result.uncachedTokensPerSecond()).isPositive();
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains("this runner / bare:", "sampled (temperature 1", "same 6 texts both ways");
  }
}
