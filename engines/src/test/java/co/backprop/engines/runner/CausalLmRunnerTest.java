package co.backprop.engines.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.backprop.contract.model.ModelKind;
import co.backprop.contract.model.ModelSpec;
import co.backprop.contract.task.GenerationParameters;
import co.backprop.contract.task.GenerationRequest;
import co.backprop.contract.task.InvalidRequestException;
import co.backprop.contract.task.Task;
import co.backprop.contract.task.TaskOutput;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Decoding on the fixture language model (make_fixtures.py): a bigram table, minus 1 for every
 * "the" already in the text. The interesting rows: the → cat 3, dog 2; cat → sat 3; sat → on 3, the
 * 2.5; on → a 2.5, the 2.8; a → mat 3; mat → end 4, and 1; and → slept 1.5, the 2; slept → end 3;
 * dog → ran 2, sat 1.2; ran → away 2, end 1; away → end 3; big → red 1, dog 0.9; red → end 0.1,
 * home 0; home → end 5. Every other pair: -30.
 */
class CausalLmRunnerTest {
  /**
   * The ONNX fixture without a cache, the one with a cache, the latter with its cache unused, and
   * the same model as TorchScript on DJL's PyTorch engine.
   */
  static ModelSpec lm(String fixture, boolean useCache) {
    return Fixtures.spec(
        Task.TEXT_GENERATION,
        fixture,
        ModelKind.CAUSAL_LM,
        Map.of("useCache", Boolean.toString(useCache)));
  }

  static final List<ModelSpec> VARIANTS =
      List.of(
          lm("lm-tiny", true),
          lm("lm-tiny-cached", true),
          lm("lm-tiny-cached", false),
          lm("lm-tiny-torchscript", true));

  static GenerationParameters parameters(
      Integer minLength,
      Integer maxLength,
      Double temperature,
      Integer topK,
      Double topP,
      Double repetitionPenalty,
      Double lengthPenalty,
      Integer numBeams,
      Integer numGenerations,
      Long seed) {
    return new GenerationParameters(
        minLength,
        maxLength,
        temperature,
        topK,
        topP,
        repetitionPenalty,
        lengthPenalty,
        numBeams,
        numGenerations,
        seed);
  }

  static GenerationParameters greedy() {
    return parameters(null, null, 0.0, null, null, null, null, null, null, null);
  }

  static List<TaskOutput> generate(ModelSpec spec, List<GenerationRequest> requests) {
    try (CausalLmRunner runner = Fixtures.runner(spec)) {
      return runner.run(requests.stream().map(runner::prepare).toList());
    }
  }

  static String text(ModelSpec spec, String prompt, GenerationParameters parameters) {
    return ((TaskOutput.Text)
            generate(spec, List.of(new GenerationRequest(prompt, parameters, null))).get(0))
        .value();
  }

  @Test
  void greedyDecodingFollowsTheTableAndStopsAtTheEnd() {
    for (ModelSpec spec : VARIANTS) {
      // on → a (2.5) beats the (2.8 - 1 for the "the" already there)
      assertThat(text(spec, "the", greedy())).as(spec.location()).isEqualTo("the cat sat on a mat");
    }
  }

  @Test
  void minLengthHoldsBackTheEndAndMaxLengthCuts() {
    for (ModelSpec spec : VARIANTS) {
      // mat → end is forbidden until 7 tokens: mat → and; and → slept (1.5 > 2 - 1); slept → end
      assertThat(
              text(spec, "the", parameters(7, null, 0.0, null, null, null, null, null, null, null)))
          .isEqualTo("the cat sat on a mat and slept");
      assertThat(
              text(spec, "the", parameters(null, 3, 0.0, null, null, null, null, null, null, null)))
          .isEqualTo("the cat sat on");
    }
  }

  @Test
  void repetitionPenaltyDividesTheLogitsOfTokensAlreadyInTheText() {
    assertThat(text(VARIANTS.get(1), "ran the dog", greedy())).isEqualTo("ran the dog ran away");
    // dog → ran: 2 / 2 = 1 < sat 1.2; then on (3) beats the ((2.5 - 1) / 2); a (2.5) beats the
    // ((2.8 - 1) / 2)
    assertThat(
            text(
                VARIANTS.get(1),
                "ran the dog",
                parameters(null, null, 0.0, null, null, 2.0, null, null, null, null)))
        .isEqualTo("ran the dog sat on a mat");
  }

  @Test
  void beamSearchRanksHypothesesByLengthPenalisedLogProbability() {
    // big red <end>: log .525 + log .525 = -1.289 (2 tokens); big red home <end>: -1.389 (3);
    // big dog ran away <end>: log .475 + log .690 + log .731 = -1.429 (4).
    for (ModelSpec spec : VARIANTS) {
      assertThat(text(spec, "big", greedy())).isEqualTo("big red");
      assertThat(
              text(spec, "big", parameters(null, null, 0.0, null, null, null, 0.0, 2, null, null)))
          .isEqualTo("big red");
      // with length_penalty 1: -0.644, -0.463, -0.357
      assertThat(
              text(spec, "big", parameters(null, null, 0.0, null, null, null, 1.0, 2, null, null)))
          .isEqualTo("big dog ran away");
      TaskOutput two =
          generate(
                  spec,
                  List.of(
                      new GenerationRequest(
                          "big",
                          parameters(null, null, 0.0, null, null, null, 1.0, 2, 2, null),
                          null)))
              .get(0);
      assertThat(two).isEqualTo(new TaskOutput.Texts(List.of("big dog ran away", "big red home")));
    }
  }

  /** What the sampler must draw for "the" → {cat, dog}: one nextDouble of generation 0's stream. */
  private static String expectedDraw(long seed) {
    double u = new Random(seed * 1_000_003L).nextDouble();
    double cat = 1;
    double dog = Math.exp(-1); // e^(2 - 3)
    return u * (cat + dog) < cat ? "the cat" : "the dog";
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"top_k=2", "top_p=0.8"})
  void samplingDrawsFromTheKeptTokensWithTheSeed(String filter) {
    List<String> drawn = new ArrayList<>();
    for (long seed = 0; seed < 40; seed++) {
      GenerationParameters parameters =
          filter.equals("top_k=2")
              ? parameters(null, 1, 1.0, 2, null, null, null, null, null, seed)
              : parameters(null, 1, 1.0, null, 0.8, null, null, null, null, seed);
      String text = text(VARIANTS.get(0), "the", parameters);
      assertThat(text).as("seed " + seed).isEqualTo(expectedDraw(seed));
      drawn.add(text);
    }
    assertThat(drawn).contains("the cat", "the dog");
  }

  @Test
  void topPBelowTheLikeliestTokensShareKeepsOnlyIt() {
    // p(cat) = e^3 / (e^3 + e^2 + e^-1 + ...) = 0.727 ≥ 0.7: nothing else is kept
    for (long seed = 0; seed < 20; seed++) {
      assertThat(
              text(
                  VARIANTS.get(0),
                  "the",
                  parameters(null, 1, 1.0, null, 0.7, null, null, null, null, seed)))
          .isEqualTo("the cat");
    }
  }

  @Test
  void severalGenerationsAreIndependentSamplesInOrder() {
    TaskOutput output =
        generate(
                VARIANTS.get(1),
                List.of(
                    new GenerationRequest(
                        "the", parameters(null, 1, 1.0, 2, null, null, null, null, 3, 7L), null)))
            .get(0);
    List<String> expected =
        IntStream.range(0, 3)
            .mapToObj(
                i -> {
                  double u = new Random(7L * 1_000_003L + i).nextDouble();
                  return u * (1 + Math.exp(-1)) < 1 ? "the cat" : "the dog";
                })
            .toList();
    assertThat(output).isEqualTo(new TaskOutput.Texts(expected));
  }

  @Test
  void aRowThatFinishesLeavesTheOthersWithTheirOwnHistory() {
    // "away" ends at once; "sat" then has no "the" yet, so on → the (2.8 > 2.5), while "the"
    // already
    // has one, so on → a. A cache row handed to the wrong sequence would swap these.
    List<GenerationRequest> requests =
        List.of(
            new GenerationRequest("away", greedy(), null),
            new GenerationRequest("the", greedy(), null),
            new GenerationRequest("sat", greedy(), null));
    for (ModelSpec spec : VARIANTS) {
      assertThat(generate(spec, requests))
          .as(spec.location() + " " + spec.options())
          .containsExactly(
              new TaskOutput.Text("away"),
              new TaskOutput.Text("the cat sat on a mat"),
              new TaskOutput.Text("sat on the cat sat on a mat"));
    }
  }

  @Test
  void aBatchOfPromptsOfDifferentLengthsGivesEachPromptsOwnResult() {
    List<GenerationRequest> requests =
        List.of(
            new GenerationRequest("the", greedy(), null),
            new GenerationRequest(
                "ran the dog",
                parameters(null, null, 0.0, null, null, 2.0, null, null, null, null),
                null),
            new GenerationRequest(
                "big", parameters(null, null, 0.0, null, null, null, 1.0, 2, 2, null), null),
            new GenerationRequest(
                "the", parameters(7, null, 0.0, null, null, null, null, null, null, null), null),
            new GenerationRequest(
                "the", parameters(null, 1, 1.0, 2, null, null, null, null, 3, 7L), null));
    for (ModelSpec spec : VARIANTS) {
      List<TaskOutput> together = generate(spec, requests);
      List<TaskOutput> alone =
          requests.stream().map(r -> generate(VARIANTS.get(0), List.of(r)).get(0)).toList();
      assertThat(together).as(spec.location() + " " + spec.options()).isEqualTo(alone);
    }
  }

  @Test
  void promptsOfVeryDifferentLengthsReadApartDecodeAsIfReadTogether() {
    // 42 tokens against 1: the cached variants read the short prompts and the long one in two
    // passes (PrefillGroups) and join the caches. A row joined to the wrong sequence would change
    // what follows "the", "away", "big" or "dog" (the fixture counts "the" over its cache; where
    // in the row the cache sits is NativeTensorsTest's).
    String longPrompt = "home ".repeat(40) + "the dog";
    List<GenerationRequest> requests =
        List.of(
            new GenerationRequest("the", greedy(), null),
            new GenerationRequest(longPrompt, greedy(), null),
            new GenerationRequest("away", greedy(), null),
            new GenerationRequest(
                "big", parameters(null, null, 0.0, null, null, null, 1.0, 2, 2, null), null));
    List<TaskOutput> alone =
        requests.stream().map(r -> generate(VARIANTS.get(0), List.of(r)).get(0)).toList();
    assertThat(alone.get(1)).isEqualTo(new TaskOutput.Text(longPrompt + " ran away"));
    for (ModelSpec spec : VARIANTS) {
      assertThat(generate(spec, requests))
          .as(spec.location() + " " + spec.options())
          .isEqualTo(alone);
    }
  }

  @Test
  void impossibleParameterCombinationsNameTheParameter() {
    try (CausalLmRunner runner = Fixtures.runner(VARIANTS.get(0))) {
      assertThatThrownBy(
              () ->
                  runner.prepare(
                      new GenerationRequest(
                          "the",
                          parameters(null, null, 0.0, null, null, null, null, null, 2, null),
                          null)))
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageStartingWith("num_generations: must be 1 with temperature 0");
      assertThatThrownBy(
              () ->
                  runner.prepare(
                      new GenerationRequest(
                          "the",
                          parameters(null, null, null, null, null, null, null, 2, 3, null),
                          null)))
          .hasMessage("num_generations: must not exceed num_beams with beam search (3 > 2)");
      assertThatThrownBy(
              () ->
                  runner.prepare(
                      new GenerationRequest(
                          "the",
                          parameters(null, 600, null, null, null, null, null, null, null, null),
                          null)))
          .hasMessage("max_length: must be at most 511 for this model and prompt but got 600");
    }
  }
}
