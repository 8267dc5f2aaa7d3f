package co.backprop.outputs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputLayoutTest {
  @TempDir Path output;

  private void run(String folder, boolean committed) throws IOException {
    Files.createDirectories(output.resolve(folder));
    Files.writeString(output.resolve(folder).resolve(OutputLayout.SUMMARY), "{}");
    if (committed) {
      Files.createFile(output.resolve(folder).resolve(OutputLayout.COMMITTED));
    }
  }

  @Test
  void anIncrementalOutputsSummariesAreItsCommittedRunsInOrder() throws IOException {
    run("v0010", true);
    run("v0002", true);
    run("v0011", false); // died before its commit
    Files.createDirectories(output.resolve("notes"));
    assertThat(OutputLayout.summaries(output))
        .containsExactly(output.resolve("v0002/summary.json"), output.resolve("v0010/summary.json"));
  }

  @Test
  void aOneOffOutputHasOneSummaryAndAnEmptyFolderNone() throws IOException {
    assertThat(OutputLayout.summaries(output)).isEmpty();
    assertThat(OutputLayout.summaries(output.resolve("missing"))).isEmpty();
    Files.writeString(output.resolve("summary.json"), "{}");
    assertThat(OutputLayout.summaries(output)).containsExactly(output.resolve("summary.json"));
  }

  @Test
  void runFolderNamesAreNumbered() {
    assertThat(OutputLayout.versionFolder(3)).isEqualTo("v0003");
    assertThat(OutputLayout.version("v0042")).hasValue(42);
    assertThat(OutputLayout.version("results")).isEmpty();
    assertThat(OutputLayout.version("v12")).isEmpty();
  }
}
