package co.backprop.outputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.backprop.contract.job.DataFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading job outputs as Spark leaves them, on the local file system through Hadoop's. */
class JobOutputTest {
  @TempDir Path output;

  private JobOutput read() {
    return JobOutput.at(output.toString(), new Configuration());
  }

  private void run(String folder, boolean committed, String... lines) throws IOException {
    Path run = Files.createDirectories(output.resolve(folder));
    Files.writeString(run.resolve(OutputLayout.SUMMARY), "{\"run\": \"" + folder + "\"}");
    results(run, lines);
    if (committed) {
      Files.createFile(run.resolve(OutputLayout.COMMITTED));
    }
  }

  private static void results(Path run, String... lines) throws IOException {
    Path results = Files.createDirectories(run.resolve(OutputLayout.RESULTS));
    Files.createFile(results.resolve("_SUCCESS"));
    for (int i = 0; i < lines.length; i++) {
      Files.writeString(results.resolve(String.format("part-%05d-abc.txt", i)), lines[i] + "\n");
    }
  }

  @Test
  void anIncrementalOutputsCurrentRunIsItsNewestCommittedOne() throws IOException {
    run("v0010", true, "{\"id\": \"b\"}", "{\"id\": \"c\"}");
    run("v0002", true, "{\"id\": \"a\"}");
    run("v0011", false, "{\"id\": \"dying\"}"); // died before its commit
    Files.createDirectories(output.resolve("notes"));
    JobOutput job = read();
    assertThat(job.oneOff()).isFalse();
    assertThat(job.summaries())
        .extracting(p -> p.getParent().getName())
        .containsExactly("v0002", "v0010");
    assertThat(job.current().orElseThrow().getName()).isEqualTo("v0010");
    assertThat(job.resultLines()).containsExactly("{\"id\": \"b\"}", "{\"id\": \"c\"}");
    List<String> others = new ArrayList<>();
    assertThat(job.runs(others)).extracting(JobOutput.Run::version).containsExactly(2, 10, 11);
    assertThat(others).containsExactly("notes");
  }

  @Test
  void aOneOffOutputIsItsOwnCurrentRunAndAFolderWithNeitherIsNoOutput() throws IOException {
    assertThat(read().summaries()).isEmpty();
    assertThat(read().current()).isEmpty();
    assertThatThrownBy(() -> read().requireCurrent())
        .hasMessageEndingWith("it is not the output of a finished job");
    Files.writeString(output.resolve(OutputLayout.SUMMARY), "{}");
    results(output, "{\"id\": 1}", "{\"id\": 2}");
    assertThat(read().summaries())
        .extracting(org.apache.hadoop.fs.Path::getName)
        .containsExactly("summary.json");
    ByteArrayOutputStream copied = new ByteArrayOutputStream();
    read().copyResultLines(copied);
    assertThat(copied.toString(StandardCharsets.UTF_8)).isEqualTo("{\"id\": 1}\n{\"id\": 2}\n");
    assertThat(read().resultsFormat(read().requireCurrent())).contains(DataFormat.JSONL);
  }

  @Test
  void parquetResultsAreNamedAndNotStreamedAsLines() throws IOException {
    Files.writeString(output.resolve(OutputLayout.SUMMARY), "{}");
    Path results = Files.createDirectories(output.resolve(OutputLayout.RESULTS));
    Files.write(results.resolve("part-00000-abc.snappy.parquet"), new byte[] {1, 2});
    assertThat(read().resultsFormat(read().requireCurrent())).contains(DataFormat.PARQUET);
    assertThatThrownBy(() -> read().copyResultLines(new ByteArrayOutputStream()))
        .hasMessageStartingWith("the results are parquet files");
  }

  @Test
  void anOutputOnS3IsReadTheSameWay() throws Exception {
    try (S3Server s3 = new S3Server("lake")) {
      s3.put("s3a://lake/out/v0001/summary.json", "{}".getBytes(StandardCharsets.UTF_8));
      s3.put(
          "s3a://lake/out/v0001/results/part-00000-x.txt",
          "{\"id\": \"old\"}\n".getBytes(StandardCharsets.UTF_8));
      s3.put("s3a://lake/out/v0001/_COMMITTED", new byte[0]);
      s3.put(
          "s3a://lake/out/v0002/results/part-00000-y.txt",
          "{\"id\": \"dying\"}\n".getBytes(StandardCharsets.UTF_8));
      JobOutput job = JobOutput.at("s3a://lake/out", s3.hadoopConf());
      assertThat(job.current().orElseThrow().toString()).isEqualTo("s3a://lake/out/v0001");
      assertThat(job.resultLines()).containsExactly("{\"id\": \"old\"}");
    }
  }

  @Test
  void runFolderNamesAreNumbered() {
    assertThat(OutputLayout.versionFolder(3)).isEqualTo("v0003");
    assertThat(OutputLayout.version("v0042")).hasValue(42);
    assertThat(OutputLayout.version("results")).isEmpty();
    assertThat(OutputLayout.version("v12")).isEmpty();
  }
}
