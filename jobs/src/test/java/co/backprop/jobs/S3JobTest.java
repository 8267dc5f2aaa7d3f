package co.backprop.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.backprop.contract.model.ModelException;
import co.backprop.contract.task.Json;
import co.backprop.engines.runner.ModelCache;
import co.backprop.jobs.models.HadoopModelFiles;
import co.backprop.jobs.output.RunVersions;
import co.backprop.jobs.spark.SparkSessions;
import co.backprop.jobs.usage.UsageTally.Usage;
import co.backprop.outputs.JobOutput;
import co.backprop.outputs.RunCommit;
import co.backprop.outputs.S3Server;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job against object storage: a real S3 server (S3Proxy, in memory) on loopback, spoken to
 * through hadoop-aws's s3a with credentials and path-style access, for the input, the results, the
 * usage and the model store.
 */
class S3JobTest {
  private static final String QA_ARTIFACT = "distilbert-base-cased-distilled-squad";

  private static S3Server s3;
  private static SparkSession spark;

  @TempDir Path work;

  @BeforeAll
  static void startS3AndSpark() throws Exception {
    s3 = new S3Server("lake", "models");
    Map<String, String> settings = new java.util.HashMap<>(s3.sparkSettings());
    settings.put("spark.ui.enabled", "false");
    settings.put("spark.sql.shuffle.partitions", "4");
    spark = SparkSessions.create("backprop s3 test", "local[2]", settings);
  }

  @AfterAll
  static void stop() throws Exception {
    if (spark != null) {
      spark.stop();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  private static void put(String uri, String text) throws IOException {
    s3.put(uri, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void aJobReadsItsInputAndModelFromS3AndWritesResultsAndUsageThere() throws IOException {
    put(
        "s3a://lake/requests/day1.jsonl",
        String.join(
                "\n",
                "{\"id\": \"vec\", \"account\": \"acme\", \"task\": \"text-vectorisation\","
                    + " \"body\": {\"text\": \"iPhone 12 128GB\"}}",
                "{\"id\": \"qa\", \"account\": \"acme\", \"task\": \"qa\", \"body\": {\"question\":"
                    + " \"What is the meaning of life?\", \"context\": \"The meaning of life is"
                    + " 42.\"}}",
                "{\"id\": \"bad\", \"account\": \"acme\", \"task\": \"qa\", \"body\":"
                    + " {\"question\": 7, \"context\": \"x\"}}")
            + "\n");
    String store = "s3a://models/store";
    JobOptions options =
        JobOptions.builder("s3a://lake/requests/day1.jsonl", "s3a://lake/enriched/day1")
            .optModelStore(store)
            .build();

    // Not uploaded yet: the job stops before any work, naming the model, the store and the fix.
    assertThatThrownBy(() -> new BatchJob(spark, options).run())
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("model qa/english is not installed")
        .hasMessageContaining(store + "/" + QA_ARTIFACT)
        .hasMessageContaining(
            "bin/backprop models fetch " + QA_ARTIFACT + " --model-store " + store);

    Path fixture = Files.createDirectories(work.resolve(QA_ARTIFACT));
    for (String file : List.of("model.onnx", "tokenizer.json", "config.json")) {
      try (InputStream in = S3JobTest.class.getResourceAsStream("/fixtures/qa-tiny/" + file)) {
        Files.copy(in, fixture.resolve(file));
      }
    }
    HadoopModelFiles.upload(
        fixture, store + "/" + QA_ARTIFACT, spark.sparkContext().hadoopConfiguration());
    ModelCache.closeAll();

    JobSummary summary = new BatchJob(spark, options).run();

    assertThat(summary.resultsPath()).startsWith("s3a://lake/enriched/day1");
    assertThat(summary.ok()).isEqualTo(2);
    assertThat(summary.error()).isEqualTo(1);
    List<JsonNode> rows =
        spark.read().textFile(summary.resultsPath()).collectAsList().stream()
            .map(S3JobTest::json)
            .toList();
    assertThat(rows)
        .extracting(r -> r.get("id").asText())
        .containsExactlyInAnyOrder("vec", "qa", "bad");
    JsonNode qa =
        rows.stream().filter(r -> r.get("id").asText().equals("qa")).findFirst().orElseThrow();
    assertThat(qa.get("answer").asText()).isEqualTo("42");
    JsonNode bad =
        rows.stream().filter(r -> r.get("id").asText().equals("bad")).findFirst().orElseThrow();
    assertThat(bad.get("error").asText()).startsWith("question:");
    // The model files came from S3 into this machine's cache, not from a local store.
    assertThat(summary.modelLoads()).anySatisfy(load -> assertThat(load).startsWith("qa/english"));
    try (var cached =
        Files.walk(co.backprop.contract.model.ModelFiles.cacheFolder().resolve("remote"))) {
      assertThat(cached.filter(p -> p.getFileName().toString().equals("model.onnx")).toList())
          .anySatisfy(
              copy -> assertThat(copy).hasSameBinaryContentAs(fixture.resolve("model.onnx")));
    }

    List<Row> usage =
        spark
            .read()
            .json(summary.usagePath())
            .select("account", "task", "requests")
            .orderBy("task")
            .collectAsList();
    assertThat(usage)
        .extracting(Row::toString)
        .containsExactly("[acme,qa,1]", "[acme,text-vectorisation,1]");
    assertThat(summary.usage()).extracting(Usage::requests).containsExactly(1L, 1L);
    org.apache.hadoop.fs.Path summaryFile =
        new org.apache.hadoop.fs.Path("s3a://lake/enriched/day1/summary.json");
    assertThat(
            summaryFile
                .getFileSystem(spark.sparkContext().hadoopConfiguration())
                .exists(summaryFile))
        .isTrue();
  }

  @Test
  void incrementalRunsCommitOnS3() throws IOException {
    put(
        "s3a://lake/nightly/in.jsonl",
        "{\"sku\": \"a\", \"text\": \"first\"}\n{\"sku\": \"b\", \"text\": \"second\"}\n");
    JobOptions options =
        JobOptions.builder("s3a://lake/nightly/in.jsonl", "s3a://lake/nightly/out")
            .optTask(co.backprop.contract.task.Task.TEXT_VECTORISATION)
            .optIdColumn("sku")
            .optIncremental(true)
            .build();
    new BatchJob(spark, options).run();
    put(
        "s3a://lake/nightly/in.jsonl",
        "{\"sku\": \"a\", \"text\": \"first\"}\n"
            + "{\"sku\": \"b\", \"text\": \"second\"}\n"
            + "{\"sku\": \"c\", \"text\": \"third\"}\n");
    // A run that computed version 2 and is still writing when the next night commits version 2.
    RunVersions slow =
        RunVersions.open("s3a://lake/nightly/out", spark.sparkContext().hadoopConfiguration());
    slow.next();
    JobSummary second = new BatchJob(spark, options).run();
    assertThat(second.run()).isEqualTo("v0002");
    assertThat(second.skippedDone()).isEqualTo(2);
    assertThat(second.added()).isEqualTo(1);
    assertThat(spark.read().json(second.resultsPath()).select("sku").collectAsList())
        .extracting(r -> r.getString(0))
        .containsExactly("c");
    assertThatThrownBy(() -> slow.commit(RunCommit.Kind.DELTA, "sku"))
        .isInstanceOf(RunVersions.ConcurrentRunException.class)
        .hasMessageContaining("another run committed v0002");
    assertThat(
            JobOutput.at("s3a://lake/nightly/out", spark.sparkContext().hadoopConfiguration())
                .resultLines())
        .extracting(line -> json(line).get("sku").asText())
        .containsExactlyInAnyOrder("a", "b", "c");
  }

  private static JsonNode json(String line) {
    try {
      return Json.MAPPER.readTree(line);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
