package co.backprop.engines.generation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PrefillGroupsTest {
  private static int[] fifteenShortAndOneLong() {
    int[] lengths = new int[16];
    Arrays.fill(lengths, 15);
    lengths[6] = 50;
    return lengths;
  }

  @Test
  void oneLongPromptAmongShortOnesIsReadInAPassOfItsOwn() {
    // together: 16 × 50 + 32 = 832 tokens' cost; apart: 15 × 15 + 32 + 50 + 32 = 339
    List<int[]> groups = PrefillGroups.of(fifteenShortAndOneLong());
    assertThat(groups).hasSize(2);
    assertThat(groups.get(0)).hasSize(15).doesNotContain(6);
    assertThat(groups.get(1)).containsExactly(6);
  }

  @Test
  void promptsOfSimilarLengthStayOneBatchInTheirOrder() {
    assertThat(PrefillGroups.of(new int[] {12, 10, 11, 12}))
        .singleElement()
        .isEqualTo(new int[] {0, 1, 2, 3});
    assertThat(PrefillGroups.of(new int[] {9})).singleElement().isEqualTo(new int[] {0});
    // splitting 8 × 20 from 8 × 30 saves 80 padded tokens, more than one pass costs
    assertThat(
            PrefillGroups.of(
                new int[] {20, 30, 20, 30, 20, 30, 20, 30, 20, 30, 20, 30, 20, 30, 20, 30}))
        .hasSize(2);
    // 2 × 20 from 2 × 30 saves only 20: not worth a pass
    assertThat(PrefillGroups.of(new int[] {20, 30, 20, 30})).hasSize(1);
  }

  @Test
  void everyRowIsInExactlyOneGroupAndNoGroupIsOnlyEmptyPrompts() {
    int[] lengths = {0, 0, 3, 90, 4, 200, 0, 5, 88, 7};
    List<int[]> groups = PrefillGroups.of(lengths);
    assertThat(groups.stream().flatMapToInt(Arrays::stream).sorted().toArray())
        .isEqualTo(IntStream.range(0, lengths.length).toArray());
    for (int[] group : groups) {
      assertThat(Arrays.stream(group).map(row -> lengths[row]).max().orElse(0)).isPositive();
    }
    assertThat(groups).hasSizeGreaterThan(1);
  }
}
