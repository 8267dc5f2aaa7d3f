package co.backprop.engines.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class NativeTensorsTest {
  /** A [rows, 2 heads, length, 1] tensor whose value at (row, head, t) is base + 10·row + t. */
  private static NativeTensor cache(
      NativeTensors owner, NDManager engine, int rows, int length, float base) {
    float[] values = new float[rows * 2 * length];
    for (int row = 0; row < rows; row++) {
      for (int head = 0; head < 2; head++) {
        for (int t = 0; t < length; t++) {
          values[(row * 2 + head) * length + t] = base + 10 * row + t + (head == 1 ? 0.5f : 0);
        }
      }
    }
    return owner.keep(engine.create(values, new Shape(rows, 2, length, 1)));
  }

  @Test
  void rowsGatheredFromCachesOfDifferentLengthsAreRightAlignedAfterZeros() {
    try (NDManager engine = NDManager.newBaseManager("OnnxRuntime");
        NativeTensors owner = new NativeTensors(engine)) {
      NativeTensor shortOnes = cache(owner, engine, 2, 1, 100); // two rows, 1 position
      NativeTensor longOne = cache(owner, engine, 1, 3, 200); // one row, 3 positions
      // batch rows: short row 1, the long row, short row 0
      NativeTensor joined =
          owner.rightAligned(List.of(shortOnes, longOne), new int[] {0, 1, 0}, new int[] {1, 0, 0});
      assertThat(joined.shape()).containsExactly(3, 2, 3, 1);
      assertThat(joined.array().toFloatArray())
          .containsExactly(
              0, 0, 110, // batch row 0, head 0: short row 1's one position, at the end
              0, 0, 110.5f, 200, 201, 202, // batch row 1: the long row as it was
              200.5f, 201.5f, 202.5f, 0, 0, 100, // batch row 2: short row 0
              0, 0, 100.5f);
    }
  }
}
