package co.backprop.jobs;

import static co.backprop.jobs.JobTestSupport.readJsonLines;
import static org.assertj.core.api.Assertions.assertThat;

import co.backprop.contract.task.Json;
import co.backprop.outputs.S3Server;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/backprop as a user runs it: the shaded application jar through Spark's SparkSubmit in a new
 * JVM, on the bundled samples. Runs after `package` (failsafe), against the jar CI just built.
 */
class LauncherIT {
  private static final Path REPO =
      Path.of(System.getProperty("backprop.repo", "..")).toAbsolutePath().normalize();

  @TempDir Path work;

  record Run(int exitCode, String out, String err) {}

  private Run backprop(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(REPO.resolve("bin/backprop").toString());
    command.addAll(List.of(args));
    Path out = work.resolve("stdout.txt");
    Path err = work.resolve("stderr.txt");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().put("BACKPROP_NO_BUILD", "1");
    Process process = builder.start();
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("bin/backprop finished").isTrue();
    return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** `job` on the bundled product sample (titles as text) into {@code output}, with options. */
  private Run productsJob(Path output, String... options) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("job"));
    args.addAll(List.of(options));
    args.addAll(
        List.of(
            "--task",
            "text-vectorisation",
            "--input",
            REPO.resolve("datasets/products.jsonl").toString(),
            "--output",
            output.toString(),
            "--map",
            "text=title"));
    return backprop(args.toArray(String[]::new));
  }

  @Test
  void vectorisesTheBundledCatalogueAndPrintsWhereResultsAndUsageAre() throws Exception {
    String output = work.resolve("products").toString();
    Run run = productsJob(Path.of(output), "--id-col", "sku", "--account", "demo");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("text-vectorisation job done: 300 input rows -> 300 results (300 ok, 0 error)")
        .contains("results:     file:" + output + "/results")
        .contains("usage:       file:" + output + "/usage")
        .containsPattern(
            "demo \\d{4}-\\d{2} text-vectorisation/english: 300 requests, [0-9.]+ compute seconds");
    assertThat(run.err()).contains("progress: 300 / 300 rows (100%)");
    // Quiet by default: Spark's own warnings (the loopback hostname's) only with --verbose.
    assertThat(run.err()).doesNotContain("WARN Utils").doesNotContain(" WARN ");
    List<JsonNode> rows = readJsonLines(output + "/results");
    assertThat(rows).hasSize(300);
    assertThat(rows.get(0).get("sku").asText()).isEqualTo("SKU-00001");
    assertThat(rows.get(299).get("sku").asText()).isEqualTo("SKU-00300");
    assertThat(rows).allSatisfy(row -> assertThat(row.get("vector")).hasSize(384));
    JsonNode summary = Json.MAPPER.readTree(Path.of(output, "summary.json").toFile());
    assertThat(summary.get("ok").asLong()).isEqualTo(300);
    assertThat(summary.get("usage").get(0).get("requests").asLong()).isEqualTo(300);
  }

  @Test
  void theClassArchiveIsKeptOnlyFromARunThatReachedAJobSummary() throws Exception {
    Path target = REPO.resolve("jobs/target");
    Path archive = target.resolve("backprop-app.jsa");
    Path written = target.resolve("backprop-app.jsa.new");
    Path lock = target.resolve("backprop-app.jsa.lock");
    // As after a build: no archive yet.
    Files.deleteIfExists(archive);
    Files.deleteIfExists(written);
    if (Files.exists(lock)) {
      try (var files = Files.list(lock)) {
        for (Path file : files.toList()) {
          Files.delete(file);
        }
      }
      Files.delete(lock);
    }

    // The first job command after the build is `job --help`: its archive (command-line classes
    // only) is written, then not kept.
    assertThat(backprop("job", "--help").exitCode()).isZero();
    assertThat(written).exists();
    assertThat(backprop("models", "list").exitCode()).isZero();
    assertThat(archive).doesNotExist();
    assertThat(written).doesNotExist();

    // The next job runs to its summary: its archive is kept, and the next start maps it.
    Run job = productsJob(work.resolve("archived"));
    assertThat(job.exitCode()).as(job.err()).isZero();
    assertThat(backprop("models", "list").exitCode()).isZero();
    assertThat(archive).exists();
    // Spark's classes are in it: tens of megabytes, where `job --help` wrote a few.
    assertThat(Files.size(archive)).isGreaterThan(50L << 20);
  }

  @Test
  void runsTheRequestSampleIntoParquet() throws Exception {
    String output = work.resolve("requests").toString();
    Run run =
        backprop(
            "job",
            "--input",
            REPO.resolve("datasets/requests.jsonl").toString(),
            "--output",
            output,
            "--output-format",
            "parquet",
            "--no-progress");

    assertThat(run.exitCode()).as(run.err()).isZero();
    // 27 single bodies and 9 batch bodies of 3: 54 results, two of them the sample's deliberate
    // mistakes.
    assertThat(run.out())
        .contains("request-file job done: 36 input rows -> 54 results (52 ok, 2 error)");
    assertThat(run.out()).contains("model: unknown model 'multilingual-v9' for text-vectorisation");
    assertThat(run.out()).contains("text: must not be empty");
    assertThat(
            Files.list(Path.of(output, "results")).anyMatch(p -> p.toString().endsWith(".parquet")))
        .isTrue();
  }

  @Test
  void listsTheCatalogWithWhatIsInstalled() throws Exception {
    Run run = backprop("models", "list", "--model-store", work.resolve("store").toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .containsPattern(
            "text-vectorisation\\s+english\\s+sentence-embedding\\s+all-minilm-l6-v2\\s+91.1"
                + " MB\\s+installed \\(bundled\\)")
        .containsPattern(
            "qa\\s+english\\s+extractive-qa\\s+distilbert-base-cased-distilled-squad\\s+~261.0"
                + " MB\\s+not installed: bin/backprop models fetch"
                + " distilbert-base-cased-distilled-squad")
        .contains("model store: " + work.resolve("store"));
  }

  @Test
  void anUnknownModelFailsAtOnceWithTheKnownNames() throws Exception {
    Run run =
        backprop(
            "job",
            "--task",
            "text-vectorisation",
            "--model",
            "klingon",
            "--input",
            REPO.resolve("datasets/products.jsonl").toString(),
            "--output",
            work.resolve("x").toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains(
            "error: unknown model 'klingon' for text-vectorisation; known models for"
                + " text-vectorisation: english, english-fast, multilingual");
    assertThat(work.resolve("x")).doesNotExist();
  }

  @Test
  void aMissingModelSaysWhereItLookedAndHowToInstallIt() throws Exception {
    Path catalog = work.resolve("models.json");
    Files.writeString(
        catalog,
        """
        {"artifacts": {"mini": {"location": "store", "files": {"model": "model.onnx", "tokenizer": "tokenizer.json"},
           "download": {"model.onnx": {"url": "https://example.org/model.onnx"}, "tokenizer.json": {"url": "https://example.org/tokenizer.json"}}}},
         "models": [{"task": "text-vectorisation", "name": "english", "kind": "sentence-embedding", "artifact": "mini"}]}
        """);
    Path store = work.resolve("store");
    Run run =
        backprop(
            "job",
            "--task",
            "text-vectorisation",
            "--catalog",
            catalog.toString(),
            "--model-store",
            store.toString(),
            "--input",
            REPO.resolve("datasets/products.jsonl").toString(),
            "--output",
            work.resolve("y").toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains(
            "error: model text-vectorisation/english is not installed: model.onnx, tokenizer.json"
                + " not found in the folder "
                + store.resolve("mini")
                + ". To install it: bin/backprop models fetch mini --model-store "
                + store);
  }

  @Test
  void runsFromS3ToS3AsOnACluster() throws Exception {
    try (S3Server s3 = new S3Server("lake")) {
      s3.put(
          "s3a://lake/in/products.jsonl",
          Files.readAllBytes(REPO.resolve("datasets/products.jsonl")));
      org.apache.hadoop.fs.FileSystem fs =
          new org.apache.hadoop.fs.Path("s3a://lake/").getFileSystem(s3.hadoopConf());
      List<String> args =
          new ArrayList<>(
              List.of(
                  "job",
                  "--task",
                  "text-vectorisation",
                  "--input",
                  "s3a://lake/in/products.jsonl",
                  "--output",
                  "s3a://lake/out/products",
                  "--map",
                  "text=title",
                  "--id-col",
                  "sku",
                  "--account",
                  "demo",
                  "--no-progress"));
      s3.sparkSettings().forEach((key, value) -> args.addAll(List.of("--conf", key + "=" + value)));
      Run run = backprop(args.toArray(String[]::new));

      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(run.out())
          .contains("text-vectorisation job done: 300 input rows -> 300 results (300 ok, 0 error)")
          .contains("results:     s3a://lake/out/products/results");
      long lines = 0;
      for (org.apache.hadoop.fs.FileStatus part :
          fs.listStatus(new org.apache.hadoop.fs.Path("s3a://lake/out/products/results"))) {
        if (part.getPath().getName().startsWith("part-")) {
          try (var in =
              new java.io.BufferedReader(
                  new java.io.InputStreamReader(
                      fs.open(part.getPath()), java.nio.charset.StandardCharsets.UTF_8))) {
            lines += in.lines().filter(line -> line.contains("\"status\":\"ok\"")).count();
          }
        }
      }
      assertThat(lines).isEqualTo(300);
      assertThat(fs.exists(new org.apache.hadoop.fs.Path("s3a://lake/out/products/usage")))
          .isTrue();
    }
  }

  @Test
  void localClusterFromTheCommandLineRunsExecutorJvmsAndExecutorsThatCannotStartEndTheJob()
      throws Exception {
    String output = work.resolve("cluster").toString();
    Run run =
        backprop(
            "job",
            "--master",
            "local-cluster[2,1,1024]",
            "--task",
            "text-vectorisation",
            "--input",
            REPO.resolve("datasets/products.jsonl").toString(),
            "--output",
            output,
            "--map",
            "text=title",
            "--id-col",
            "sku");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("text-vectorisation job done: 300 input rows -> 300 results (300 ok, 0 error)")
        .containsPattern(
            "model loads: 2 \\(.* on executor [01] \\(pid \\d+\\); .* on executor [01]");
    assertThat(readJsonLines(output + "/results")).hasSize(300);

    // Executors whose JVM cannot start: one line and exit 3 instead of waiting forever.
    long start = System.nanoTime();
    Run stuck =
        productsJob(
            work.resolve("stuck"),
            "--master",
            "local-cluster[1,1,1024]",
            "--conf",
            "spark.executor.extraJavaOptions=-Xss1k",
            "--executor-timeout",
            "20");
    assertThat(stuck.exitCode()).as(stuck.err()).isEqualTo(3);
    assertThat((System.nanoTime() - start) / 1e9).isLessThan(180);
    String line =
        stuck.err().lines().filter(l -> l.startsWith("error: ")).findFirst().orElseThrow();
    assertThat(line)
        .startsWith("error: no executor registered within 20 s on local-cluster[1,1,1024]")
        .contains("executor logs: ");
    String logs = line.substring(line.indexOf("executor logs: ") + 15).replace("/*/stderr", "");
    assertThat(Path.of(logs)).isDirectory();
  }
}
