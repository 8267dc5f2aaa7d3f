package co.backprop.engines.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MicroBatchesTest {
  @Test
  void cutsWhenRowsTimesLongestWouldExceedTheBudget() {
    // budget 40: [5,5,5,5,5,5,5,5] fits 8×5=40; adding 10 would make 9×10=90.
    int[] tokens = {5, 5, 5, 5, 5, 5, 5, 5, 10, 10, 10, 10, 20, 20};
    assertThat(MicroBatches.cut(tokens, new BatchPolicy(40, 100, 1000))).containsExactly(8, 12, 14);
  }

  @Test
  void cutsAtTheRowLimitEvenWhenTokensFit() {
    int[] tokens = {1, 1, 1, 1, 1, 1, 1};
    assertThat(MicroBatches.cut(tokens, new BatchPolicy(1000, 3, 1000))).containsExactly(3, 6, 7);
  }

  @Test
  void anInputLongerThanTheBudgetRunsAlone() {
    int[] tokens = {2, 2, 300, 400};
    assertThat(MicroBatches.cut(tokens, new BatchPolicy(256, 64, 1000))).containsExactly(2, 3, 4);
  }

  @Test
  void noInputsNoBatches() {
    assertThat(MicroBatches.cut(new int[0], BatchPolicy.DEFAULT)).isEmpty();
  }
}
