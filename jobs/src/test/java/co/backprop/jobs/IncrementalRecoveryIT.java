package co.backprop.jobs;

import static co.backprop.jobs.JobTestSupport.readJsonLines;
import static co.backprop.jobs.JobTestSupport.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import co.backprop.contract.task.Json;
import co.backprop.outputs.JobOutput;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nightly enrichment surviving a crash, as a user meets it: bin/backprop processes (SparkSubmit
 * JVMs), one killed with SIGKILL mid-way, then the same command again. The final output must equal
 * a clean run's, and the committed runs' usage must add up to it: nothing lost, nothing billed
 * twice.
 */
class IncrementalRecoveryIT {
  private static final Path REPO =
      Path.of(System.getProperty("backprop.repo", "..")).toAbsolutePath().normalize();

  @TempDir Path work;

  private Path input(String name, int rows) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      lines.add(
          "{\"id\": \"n"
              + i
              + "\", \"text\": \"Night "
              + i
              + ": a product line with "
              + "more words ".repeat(1 + i % 6)
              + "\"}");
    }
    return Files.write(work.resolve(name), lines);
  }

  private ProcessBuilder backprop(String name, Path input, Path output, String... extra) {
    List<String> command =
        new ArrayList<>(
            List.of(
                REPO.resolve("bin/backprop").toString(),
                "job",
                "--task",
                "text-vectorisation",
                "--input",
                input.toString(),
                "--output",
                output.toString(),
                "--id-col",
                "id",
                "--account",
                "acme",
                "--partitions",
                "24"));
    command.addAll(List.of(extra));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectOutput(work.resolve(name + ".out").toFile())
            .redirectError(work.resolve(name + ".err").toFile());
    builder.environment().put("BACKPROP_NO_BUILD", "1");
    return builder;
  }

  private void finish(String name, ProcessBuilder builder) throws Exception {
    long start = System.nanoTime();
    Process process = builder.start();
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).as(name + " finished").isTrue();
    assertThat(process.exitValue()).as(Files.readString(work.resolve(name + ".err"))).isZero();
    System.out.printf("%s: %.1f s%n", name, (System.nanoTime() - start) / 1e9);
  }

  private static JsonNode summary(Path run) throws IOException {
    return Json.MAPPER.readTree(run.resolve("summary.json").toFile());
  }

  /** The folder of a committed run, from the output's log. */
  private static Path committed(Path output, int version) {
    return JobOutput.at(output.toString(), new Configuration()).committedRuns().stream()
        .filter(run -> run.version() == version)
        .map(run -> Path.of(run.folder().toUri()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no committed run " + version + " in " + output));
  }

  /** The current rows of an output as `bin/backprop results` prints them. */
  private List<JsonNode> results(String name, Path output) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(REPO.resolve("bin/backprop").toString(), "results", output.toString())
            .redirectOutput(work.resolve(name + ".out").toFile())
            .redirectError(work.resolve(name + ".err").toFile());
    builder.environment().put("BACKPROP_NO_BUILD", "1");
    finish(name, builder);
    return Files.readAllLines(work.resolve(name + ".out")).stream()
        .filter(line -> !line.isBlank())
        .map(JobTestSupport::json)
        .toList();
  }

  @Test
  void aRunKilledMidWayThenRunAgainEqualsACleanRunBilledOnceForFilesAndForDelta() throws Exception {
    Path night2 = input("night2.jsonl", 1200);
    Path clean = work.resolve("clean");
    finish("clean", backprop("clean", night2, clean, "--no-progress"));
    Map<String, JsonNode> reference = byId(readJsonLines(clean.resolve("results").toString()));
    assertThat(reference).hasSize(1200);
    long cleanRequests = requests(summary(clean));

    for (String layout : List.of("jsonl", "delta")) {
      Path output = work.resolve("nightly-" + layout);
      String[] args = {"--incremental", "--no-progress", "--output-format", layout};
      finish(
          layout + "-night1",
          backprop(layout + "-night1", input("night1.jsonl", 200), output, args));
      assertThat(summary(committed(output, 1)).get("ok").asLong()).isEqualTo(200);

      // Night 2 dies mid-way, some of its 24 write tasks done: SIGKILL to the launcher JVM (local
      // Spark runs inside it).
      Process doomed = backprop(layout + "-killed", night2, output, args).start();
      long tasksWhenKilled = waitForCommittedTasks(output, 3, doomed);
      doomed.destroyForcibly();
      doomed.waitFor(1, TimeUnit.MINUTES);
      assertThat(tasksWhenKilled)
          .as(layout + ": write tasks committed when killed")
          .isBetween(3L, 20L);
      assertThat(JobOutput.at(output.toString(), new Configuration()).committedRuns())
          .extracting(JobOutput.Run::version)
          .containsExactly(1);
      if (layout.equals("jsonl")) {
        assertThat(JobOutput.at(output.toString(), new Configuration()).resultLines())
            .as("the previous state stays readable")
            .hasSize(200);
      }

      finish(layout + "-rerun", backprop(layout + "-rerun", night2, output, args));
      JsonNode rerun = summary(committed(output, 2));
      assertThat(rerun.get("skipped_done").asLong()).isEqualTo(200);
      assertThat(rerun.get("new").asLong()).isEqualTo(1000);
      assertThat(rerun.get("ok").asLong()).isEqualTo(1000);
      if (layout.equals("delta")) {
        assertThat(rerun.get("results_path").asText()).endsWith("nightly-delta/results");
      }

      Map<String, JsonNode> current = byId(results(layout + "-current", output));
      assertThat(current.keySet()).as(layout).isEqualTo(reference.keySet());
      for (String id : reference.keySet()) {
        assertThat(current.get(id).get("status").asText()).isEqualTo("ok");
        assertThat(current.get(id).get("input_hash"))
            .isEqualTo(reference.get(id).get("input_hash"));
        float[] want = vector(reference.get(id));
        float[] got = vector(current.get(id));
        for (int i = 0; i < want.length; i++) {
          assertThat(got[i]).as(layout + " " + id).isCloseTo(want[i], within(1e-5f));
        }
      }
      long billed = requests(summary(committed(output, 1))) + requests(rerun);
      assertThat(billed).as(layout).isEqualTo(cleanRequests).isEqualTo(1200);
    }
  }

  /**
   * Waits until at least {@code tasks} of the version-2 run's write tasks have committed their
   * output (Hadoop's committer moves each into {@code results/_temporary/0/task_*}, or {@code
   * _staging/} when JSON lines are converted to Parquet for a Delta table); returns how many had
   * then.
   */
  private static long waitForCommittedTasks(Path output, int tasks, Process process)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (System.nanoTime() < deadline && process.isAlive()) {
      Path committed = null;
      try (var children = Files.list(output)) {
        committed =
            children
                .filter(p -> p.getFileName().toString().startsWith("v0002-"))
                .flatMap(
                    p ->
                        java.util.stream.Stream.of(
                            p.resolve("results/_temporary/0"), p.resolve("_staging/_temporary/0")))
                .filter(Files::isDirectory)
                .findFirst()
                .orElse(null);
      }
      if (committed != null && Files.isDirectory(committed)) {
        try (var children = Files.list(committed)) {
          long done = children.filter(p -> p.getFileName().toString().startsWith("task_")).count();
          if (done >= tasks) {
            return done;
          }
        } catch (java.nio.file.NoSuchFileException e) {
          // the job committed between the two calls: too late, reported below
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the run ended or stalled before " + tasks + " tasks had committed");
  }

  private static Map<String, JsonNode> byId(List<JsonNode> rows) {
    assertThat(rows.stream().map(r -> r.get("id").asText()).distinct().count())
        .as("ids once each")
        .isEqualTo(rows.size());
    return rows.stream().collect(Collectors.toMap(r -> r.get("id").asText(), Function.identity()));
  }

  private static long requests(JsonNode summary) {
    long total = 0;
    for (JsonNode usage : summary.get("usage")) {
      total += usage.get("requests").asLong();
    }
    return total;
  }
}
