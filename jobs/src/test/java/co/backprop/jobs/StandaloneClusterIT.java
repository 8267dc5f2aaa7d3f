package co.backprop.jobs;

import static co.backprop.jobs.JobTestSupport.readJsonLines;
import static org.assertj.core.api.Assertions.assertThat;

import co.backprop.contract.task.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/backprop cluster start}: a real Spark standalone master and two workers (separate
 * JVMs) on loopback. Jobs submitted to it by {@code bin/backprop job --master spark://...} and by
 * the cluster's {@code spark-submit} give local mode's results; a job whose executor is killed
 * loses no row and bills none twice. Runs after `package`, against the jars CI just built.
 */
class StandaloneClusterIT {
  private static final Path REPO =
      Path.of(System.getProperty("backprop.repo", "..")).toAbsolutePath().normalize();

  @TempDir Path work;

  record Run(int exitCode, String out, String err) {}

  private Process start(Path program, String name, List<String> args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(program.toString());
    command.addAll(args);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectOutput(work.resolve(name + ".out").toFile())
            .redirectError(work.resolve(name + ".err").toFile());
    builder.environment().put("BACKPROP_NO_BUILD", "1");
    return builder.start();
  }

  private Run finish(Process process, String name) throws Exception {
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).as(name + " finished").isTrue();
    return new Run(
        process.exitValue(),
        Files.readString(work.resolve(name + ".out")),
        Files.readString(work.resolve(name + ".err")));
  }

  private Run backprop(String name, String... args) throws Exception {
    return finish(start(REPO.resolve("bin/backprop"), name, List.of(args)), name);
  }

  private Path cluster() {
    return work.resolve("cluster");
  }

  @AfterEach
  void stopCluster() throws Exception {
    backprop("stop", "cluster", "stop", "--dir", cluster().toString());
  }

  private static List<String> productsJob(String output) {
    return List.of(
        "job",
        "--task",
        "text-vectorisation",
        "--input",
        REPO.resolve("datasets/products.jsonl").toString(),
        "--output",
        output,
        "--map",
        "text=title",
        "--id-col",
        "sku",
        "--no-progress");
  }

  private static Map<String, JsonNode> vectorsBySku(String output) throws IOException {
    Map<String, JsonNode> vectors = new HashMap<>();
    readJsonLines(output + "/results").forEach(r -> vectors.put(r.get("sku").asText(), r));
    return vectors;
  }

  private static void assertSameVectors(Map<String, JsonNode> actual, Map<String, JsonNode> local) {
    assertThat(actual.keySet()).isEqualTo(local.keySet());
    local.forEach(
        (sku, row) -> {
          JsonNode vector = actual.get(sku).get("vector");
          assertThat(vector.size()).isEqualTo(384);
          for (int i = 0; i < vector.size(); i++) {
            assertThat(vector.get(i).asDouble())
                .as(sku + " element " + i)
                .isCloseTo(
                    row.get("vector").get(i).asDouble(), org.assertj.core.data.Offset.offset(1e-5));
          }
        });
  }

  @Test
  void jobsOnAStandaloneClusterMatchLocalModeAndSurviveALostExecutor() throws Exception {
    Run started =
        backprop(
            "start",
            "cluster",
            "start",
            "--dir",
            cluster().toString(),
            "--port",
            "0",
            "--workers",
            "2",
            "--cores",
            "1",
            "--memory",
            "1g");
    assertThat(started.exitCode()).as(started.err()).isZero();
    String master = started.out().strip();
    assertThat(master).matches("spark://127\\.0\\.0\\.1:\\d+");
    JsonNode state = Json.MAPPER.readTree(cluster().resolve("cluster.json").toFile());
    assertThat(state.get("workerPids")).hasSize(2);
    Run again = backprop("again", "cluster", "start", "--dir", cluster().toString(), "--port", "0");
    assertThat(again.exitCode()).isEqualTo(2);
    assertThat(again.err()).contains("a cluster already runs from").contains(master);

    String local = work.resolve("local").toString();
    assertThat(backprop("local", productsJob(local).toArray(String[]::new)).exitCode()).isZero();

    // bin/backprop job --master spark://...
    String onCluster = work.resolve("cluster-out").toString();
    List<String> args = new ArrayList<>(productsJob(onCluster));
    args.addAll(List.of("--master", master));
    Run job = backprop("job", args.toArray(String[]::new));
    assertThat(job.exitCode()).as(job.err()).isZero();
    assertThat(job.out())
        .contains("text-vectorisation job done: 300 input rows -> 300 results (300 ok, 0 error)")
        .containsPattern(
            "model loads: 2 \\(.* on executor [01] \\(pid \\d+\\); .* on executor [01]");
    assertSameVectors(vectorsBySku(onCluster), vectorsBySku(local));

    // The cluster's spark-submit, with the application jar, as on any Spark installation.
    String submitted = work.resolve("submitted").toString();
    List<String> submit = new ArrayList<>(List.of("--master", master, "--class"));
    submit.add("co.backprop.jobs.cli.BackpropCommand");
    submit.add(REPO.resolve("jobs/target/backprop-app.jar").toString());
    submit.addAll(productsJob(submitted));
    Run spark =
        finish(start(cluster().resolve("spark-home/bin/spark-submit"), "submit", submit), "submit");
    assertThat(spark.exitCode()).as(spark.err()).isZero();
    assertThat(spark.out()).contains("300 results (300 ok, 0 error)");
    assertSameVectors(vectorsBySku(submitted), vectorsBySku(local));

    Path input = aKilledExecutorLosesNoRowAndBillsNoRowTwice(master, state);
    anApplicationTheMasterRemovesEndsTheJobWithExitCode3(master, state, input);
    losingEveryWorkerEndsTheJobWithExitCode3(master, state, input);

    Run stop = backprop("stop-now", "cluster", "stop", "--dir", cluster().toString());
    assertThat(stop.err()).contains("cluster stopped");
    assertThat(
            ProcessHandle.of(state.get("masterPid").asLong())
                .map(ProcessHandle::isAlive)
                .orElse(false))
        .as("master alive after stop")
        .isFalse();
    assertThat(backprop("status", "cluster", "status", "--dir", cluster().toString()).exitCode())
        .isEqualTo(1);
  }

  /** An executor JVM killed (SIGKILL) while the job runs: its tasks run again elsewhere. */
  private Path aKilledExecutorLosesNoRowAndBillsNoRowTwice(String master, JsonNode state)
      throws Exception {
    int rows = 4000;
    Path input = work.resolve("rows.jsonl");
    Files.write(
        input,
        IntStream.range(0, rows)
            .mapToObj(
                i ->
                    "{\"id\": \"r"
                        + i
                        + "\", \"text\": \"Row "
                        + i
                        + " describes a product with "
                        + "several words ".repeat(1 + i % 5)
                        + "\"}")
            .toList());
    String output = work.resolve("loss").toString();
    Process job = startJob("loss", master, input, output, "120");
    List<ProcessHandle> executors = executors(state);
    assertThat(executors).hasSize(2);
    executors.get(0).destroyForcibly();
    Run survived = finish(job, "loss");

    assertThat(survived.exitCode()).as(survived.err()).isZero();
    assertThat(survived.out())
        .contains("4,000 input rows -> 4,000 results (4,000 ok, 0 error)")
        .containsPattern("acme \\d{4}-\\d{2} text-vectorisation/english: 4,000 requests");
    Map<String, Long> perId =
        readJsonLines(output + "/results").stream()
            .collect(Collectors.groupingBy(r -> r.get("id").asText(), Collectors.counting()));
    assertThat(perId).hasSize(rows);
    assertThat(perId.values()).containsOnly(1L);
    // Spark saw the executor go (its scheduler logs the loss as an error) and ran its tasks again.
    assertThat(survived.err()).containsPattern("Lost executor \\d+ on 127\\.0\\.0\\.1");
    return input;
  }

  /**
   * The cluster manager removes the application under a running job (here an operator kills it in
   * the master's web UI; a master also removes one whose executors keep failing): Spark aborts the
   * job and stops the context, and the job says so in one line with exit code 3, not as a bug.
   */
  private void anApplicationTheMasterRemovesEndsTheJobWithExitCode3(
      String master, JsonNode state, Path input) throws Exception {
    Process job = startJob("removed", master, input, work.resolve("removed").toString(), "120");
    String masterUi = state.get("webUi").asText();
    HttpClient http = HttpClient.newHttpClient();
    JsonNode apps =
        Json.MAPPER
            .readTree(
                http.send(
                        HttpRequest.newBuilder(URI.create(masterUi + "/json/")).build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body())
            .get("activeapps");
    assertThat(apps).as("applications on the master").hasSize(1);
    long killed = System.nanoTime();
    HttpResponse<String> kill =
        http.send(
            HttpRequest.newBuilder(URI.create(masterUi + "/app/kill/"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "id=" + apps.get(0).get("id").asText() + "&terminate=true"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(kill.statusCode()).as("the master's kill answer").isEqualTo(302);

    Run removed = finish(job, "removed");
    assertThat(removed.exitCode()).as(removed.err()).isEqualTo(3);
    assertThat((System.nanoTime() - killed) / 1e9).as("seconds to give up").isLessThan(30);
    assertThat(removed.err())
        .contains(
            "error: the cluster manager ended the application on "
                + master
                + " (Job aborted due to stage failure: Master removed our application: KILLED);"
                + " executor logs: ")
        .doesNotContain("a bug");
  }

  /**
   * Every worker killed (SIGKILL, with their executors) under a running job: no executor comes
   * back, and the job ends with exit code 3 and one line after its executor timeout instead of
   * waiting forever.
   */
  private void losingEveryWorkerEndsTheJobWithExitCode3(String master, JsonNode state, Path input)
      throws Exception {
    Process job = startJob("orphan", master, input, work.resolve("orphan").toString(), "10");
    long start = System.nanoTime();
    for (JsonNode worker : state.get("workerPids")) {
      ProcessHandle.of(worker.asLong())
          .ifPresent(
              w -> {
                w.descendants().forEach(ProcessHandle::destroyForcibly);
                w.destroyForcibly();
              });
    }
    Run orphan = finish(job, "orphan");
    assertThat(orphan.exitCode()).as(orphan.err()).isEqualTo(3);
    assertThat((System.nanoTime() - start) / 1e9).as("seconds to give up").isLessThan(90);
    assertThat(orphan.err())
        .contains(
            "error: every executor was lost and none came back within 10 s on "
                + master
                + " (--executor-timeout); executor logs: ");
  }

  /**
   * Starts a vectorisation job of the rows on the cluster (12 partitions) and returns once a task
   * has committed its results: real work is under way, well before the end.
   */
  private Process startJob(
      String name, String master, Path input, String output, String executorTimeout)
      throws Exception {
    Process job =
        start(
            REPO.resolve("bin/backprop"),
            name,
            List.of(
                "job",
                "--master",
                master,
                "--executor-timeout",
                executorTimeout,
                "--task",
                "text-vectorisation",
                "--input",
                input.toString(),
                "--output",
                output,
                "--id-col",
                "id",
                "--account",
                "acme",
                "--partitions",
                "12"));
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    long committed = 0;
    while (committed < 1 && job.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(100);
      committed = committedTasks(Path.of(output));
    }
    assertThat(job.isAlive()).as(name + " running once a task committed").isTrue();
    assertThat(committed).as("tasks committed").isBetween(1L, 8L);
    return job;
  }

  /** Task outputs Spark's committer has committed so far ({@code _temporary/0/task_*}). */
  private static long committedTasks(Path output) throws IOException {
    if (!Files.isDirectory(output)) {
      return 0;
    }
    try (java.util.stream.Stream<Path> files = Files.walk(output)) {
      return files
          .filter(f -> f.getFileName().toString().startsWith("task_") && Files.isDirectory(f))
          .count();
    } catch (java.io.UncheckedIOException | IOException e) {
      return 0; // a folder moved while walking: look again
    }
  }

  /** The executor JVMs the cluster's workers started, from /proc (command lines are long). */
  private static List<ProcessHandle> executors(JsonNode state) {
    List<ProcessHandle> executors = new ArrayList<>();
    for (JsonNode worker : state.get("workerPids")) {
      ProcessHandle.of(worker.asLong())
          .ifPresent(
              w -> w.descendants().filter(StandaloneClusterIT::isExecutor).forEach(executors::add));
    }
    return executors;
  }

  private static boolean isExecutor(ProcessHandle process) {
    try {
      return Files.readString(
              Path.of("/proc", Long.toString(process.pid()), "cmdline"),
              StandardCharsets.ISO_8859_1)
          .contains("CoarseGrainedExecutorBackend");
    } catch (IOException e) {
      return false; // gone already
    }
  }
}
