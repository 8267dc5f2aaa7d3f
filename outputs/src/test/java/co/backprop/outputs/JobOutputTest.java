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

  /**
   * A run folder with its summary, result lines and an index of the ids in them; committed with a
   * log entry.
   */
  private void run(int version, RunCommit.Kind kind, boolean committed, String... lines)
      throws IOException {
    String folder = OutputLayout.runFolder(version, "0000abcd");
    Path run = Files.createDirectories(output.resolve(folder));
    if (kind == RunCommit.Kind.DELTA) {
      Files.writeString(run.resolve(OutputLayout.SUMMARY), "{\"run\": \"" + folder + "\"}");
    }
    results(run, lines);
    Path index = Files.createDirectories(run.resolve(OutputLayout.INDEX));
    StringBuilder entries = new StringBuilder();
    for (String line : lines) {
      String id = JobOutput.idOf(line, "id");
      if (id != null) {
        entries.append("{\"id\":\"").append(id).append("\",\"input_hash\":\"h\",\"ok\":true}\n");
      }
    }
    Files.writeString(index.resolve("part-00000-x.json"), entries);
    if (committed) {
      Path log = Files.createDirectories(output.resolve(OutputLayout.LOG));
      Files.writeString(
          log.resolve(OutputLayout.logEntry(version)),
          "{\"version\":"
              + version
              + ",\"folder\":\""
              + folder
              + "\",\"kind\":\""
              + kind.name().toLowerCase(java.util.Locale.ROOT)
              + "\",\"id_field\":\"id\"}");
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
  void theCurrentRowsArePerIdTheNewestCommittedRunsRows() throws IOException {
    run(1, RunCommit.Kind.DELTA, true, "{\"id\": \"a\", \"v\": 1}", "{\"id\": 2, \"v\": 1}");
    run(2, RunCommit.Kind.DELTA, true, "{\"id\": \"2\", \"v\": 2}", "{\"id\": \"c\", \"v\": 2}");
    run(3, RunCommit.Kind.DELTA, false, "{\"id\": \"a\", \"v\": \"dying\"}");
    Files.createDirectories(output.resolve("notes"));
    JobOutput job = read();
    assertThat(job.oneOff()).isFalse();
    assertThat(job.summaries())
        .extracting(p -> p.getParent().getName())
        .containsExactly("v0001-0000abcd", "v0002-0000abcd");
    assertThat(job.current().orElseThrow().getName()).isEqualTo("v0002-0000abcd");
    assertThat(job.resultLines())
        .containsExactly(
            "{\"id\": \"a\", \"v\": 1}", "{\"id\": \"2\", \"v\": 2}", "{\"id\": \"c\", \"v\": 2}");
    ByteArrayOutputStream only = new ByteArrayOutputStream();
    job.copyResultLines(only, java.util.Set.of("2"));
    assertThat(only.toString(StandardCharsets.UTF_8)).isEqualTo("{\"id\": \"2\", \"v\": 2}\n");
    List<String> others = new ArrayList<>();
    assertThat(job.runFolders(others)).hasSize(3);
    assertThat(others).containsExactly("notes");
  }

  @Test
  void readersStartAtTheNewestSnapshot() throws IOException {
    run(1, RunCommit.Kind.DELTA, true, "{\"id\": \"a\", \"v\": 1}");
    run(2, RunCommit.Kind.SNAPSHOT, true, "{\"id\": \"a\", \"v\": 1}", "{\"id\": \"b\", \"v\": 1}");
    run(3, RunCommit.Kind.DELTA, true, "{\"id\": \"b\", \"v\": 3}");
    JobOutput job = read();
    assertThat(job.liveRuns()).extracting(JobOutput.Run::version).containsExactly(2, 3);
    assertThat(job.current().orElseThrow().getName()).isEqualTo("v0003-0000abcd");
    assertThat(job.resultLines())
        .containsExactly("{\"id\": \"a\", \"v\": 1}", "{\"id\": \"b\", \"v\": 3}");
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
      s3.put("s3a://lake/out/v0001-00000001/summary.json", "{}".getBytes(StandardCharsets.UTF_8));
      s3.put(
          "s3a://lake/out/v0001-00000001/results/part-00000-x.txt",
          "{\"id\": \"old\"}\n".getBytes(StandardCharsets.UTF_8));
      s3.put(
          "s3a://lake/out/_log/v0001.json",
          ("{\"version\":1,\"folder\":\"v0001-00000001\",\"kind\":\"delta\","
                  + "\"id_field\":\"id\"}")
              .getBytes(StandardCharsets.UTF_8));
      s3.put(
          "s3a://lake/out/v0002-00000002/results/part-00000-y.txt",
          "{\"id\": \"dying\"}\n".getBytes(StandardCharsets.UTF_8));
      JobOutput job = JobOutput.at("s3a://lake/out", s3.hadoopConf());
      assertThat(job.current().orElseThrow().toString()).isEqualTo("s3a://lake/out/v0001-00000001");
      assertThat(job.resultLines()).containsExactly("{\"id\": \"old\"}");
    }
  }

  @Test
  void runFolderNamesAreNumbered() {
    assertThat(OutputLayout.runFolder(3, "0a0b0c0d")).isEqualTo("v0003-0a0b0c0d");
    assertThat(OutputLayout.runVersion("v0042-0a0b0c0d")).hasValue(42);
    assertThat(OutputLayout.runVersion("v0042")).isEmpty();
    assertThat(OutputLayout.runVersion("results")).isEmpty();
    assertThat(OutputLayout.logVersion(OutputLayout.logEntry(7))).hasValue(7);
    assertThat(JobOutput.idOf("{\"v\": [1, {\"id\": 9}], \"id\": 42}", "id")).isEqualTo("42");
    assertThat(JobOutput.idOf("{\"id\": null}", "id")).isNull();
    assertThat(JobOutput.idOf("not json", "id")).isNull();
  }
}
