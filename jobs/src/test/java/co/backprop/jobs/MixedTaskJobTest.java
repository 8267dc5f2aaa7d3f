package co.backprop.jobs;

import static co.backprop.jobs.JobTestSupport.readJsonLines;
import static co.backprop.jobs.JobTestSupport.writeLines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.backprop.contract.model.ModelCatalog;
import co.backprop.contract.model.ModelCatalog.Artifact;
import co.backprop.contract.model.ModelCatalog.Download;
import co.backprop.contract.model.ModelException;
import co.backprop.contract.model.ModelStore;
import co.backprop.contract.task.Json;
import co.backprop.engines.runner.ModelCache;
import co.backprop.jobs.models.FixtureServer;
import co.backprop.jobs.models.ModelFetcher;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One request file mixing every text task but generation, single and batch bodies, through one
 * Spark job: each item answered by its task's runner, each line's response reassembled.
 */
class MixedTaskJobTest {
  private static final String QA_ARTIFACT = "distilbert-base-cased-distilled-squad";
  @RegisterExtension static final LocalSpark spark = new LocalSpark();

  @TempDir Path work;

  private static final String[] LINES = {
    "{\"id\": \"vec\", \"task\": \"text-vectorisation\", \"body\": {\"text\": \"iPhone 12"
        + " 128GB\"}}",
    "{\"id\": \"cls\", \"task\": \"text-classification\", \"body\": {\"text\": \"I am really mad"
        + " because my product broke.\", \"labels\": [\"product issue\", \"furniture\","
        + " \"space\"]}}",
    "{\"id\": \"cls-batch\", \"task\": \"text-classification\", \"body\": {\"text\": [\"I am really"
        + " mad because my product broke.\", \"My new desk and chair arrived.\"], \"labels\":"
        + " [[\"product issue\", \"furniture\", \"space\"], [\"product issue\", \"furniture\","
        + " \"sales\"]]}}",
    "{\"id\": \"emo\", \"task\": \"emotion\", \"body\": {\"text\": \"I hope this works\"}}",
    "{\"id\": \"emo-batch\", \"task\": \"emotion\", \"body\": {\"text\": [\"Thank you so much for"
        + " your help!\", \"I am really mad because my product broke.\"]}}",
    "{\"id\": \"sum\", \"task\": \"summarisation\", \"body\": {\"text\": \"The new phone's battery"
        + " drains within four hours. It rained all afternoon in Lisbon. Owners report the battery"
        + " overheating overnight.\"}}",
    "{\"id\": \"qa\", \"task\": \"qa\", \"body\": {\"question\": \"What is the meaning of life?\","
        + " \"context\": \"The meaning of life is 42.\"}}",
    "{\"id\": \"qa-batch\", \"task\": \"qa\", \"body\": {\"question\": [\"What is the meaning of"
        + " life?\", \"Where does Sally live?\"], \"context\": [\"The meaning of life is 42.\","
        + " \"Sally lives in London\"], \"prev_q\": [[\"What is not the meaning of life?\"],"
        + " [\"Where did Sally go to school?\"]], \"prev_a\": [[\"unknown\"], [\"unknown\"]]}}"
  };

  private JobSummary run(Path input, Path store, String output) {
    JobOptions options =
        JobOptions.builder(input.toString(), work.resolve(output).toString())
            .optModelStore(store.toString())
            .optResponses(true)
            .build();
    return new BatchJob(spark.session(), options).run();
  }

  /**
   * The fixture QA model installed as the catalog's QA artifact, fetched from a loopback server.
   */
  private static void installQaFixture(ModelStore store) throws IOException {
    try (FixtureServer server = new FixtureServer()) {
      Map<String, Download> download = new LinkedHashMap<>();
      for (String file : List.of("model.onnx", "tokenizer.json", "config.json")) {
        try (InputStream in =
            MixedTaskJobTest.class.getResourceAsStream("/fixtures/qa-tiny/" + file)) {
          server.serve("/qa/" + file, in.readAllBytes());
        }
        download.put(file, new Download(server.url("/qa/" + file), null, null));
      }
      Artifact bundled = ModelCatalog.bundled(store).artifact(QA_ARTIFACT);
      Artifact local =
          new Artifact(
              bundled.description(),
              bundled.engine(),
              "store",
              bundled.files(),
              download,
              null,
              null);
      new ModelFetcher(
              ModelFetcher.defaultClient(), new PrintStream(new ByteArrayOutputStream()), false)
          .fetch(store, QA_ARTIFACT, local, false);
    }
  }

  @Test
  void everyTaskOfOneRequestFileIsAnsweredByItsRunnerAndReassembled() throws IOException {
    Path input = writeLines(work.resolve("mixed.jsonl"), LINES);
    Path store = work.resolve("store");

    // QA has no offline default: before the model is fetched the job stops before any inference.
    assertThatThrownBy(() -> run(input, store, "not-installed"))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("model qa/english is not installed")
        .hasMessageEndingWith(
            "To install it: bin/backprop models fetch " + QA_ARTIFACT + " --model-store " + store);

    installQaFixture(new ModelStore(store));
    ModelCache.closeAll();
    JobSummary summary = run(input, store, "out");

    assertThat(summary.rows()).isEqualTo(8);
    assertThat(summary.ok()).isEqualTo(11);
    assertThat(summary.error()).isZero();
    // MiniLM serves four tasks with one load; the QA model is the second.
    assertThat(summary.modelLoads()).hasSize(2);

    List<JsonNode> items = readJsonLines(summary.resultsPath());
    assertThat(items)
        .extracting(i -> i.get("id").asText())
        .containsExactly(
            "vec",
            "cls",
            "cls-batch",
            "cls-batch",
            "emo",
            "emo-batch",
            "emo-batch",
            "sum",
            "qa",
            "qa-batch",
            "qa-batch");
    assertThat(items.get(0).get("vector")).hasSize(384);

    Map<String, JsonNode> responses = new LinkedHashMap<>();
    readJsonLines(
            Path.of(java.net.URI.create(summary.resultsPath()))
                .resolveSibling("responses")
                .toUri()
                .toString())
        .forEach(r -> responses.put(r.get("id").asText(), r));
    assertThat(responses.keySet())
        .containsExactly("vec", "cls", "cls-batch", "emo", "emo-batch", "sum", "qa", "qa-batch");
    assertThat(responses.values())
        .allSatisfy(r -> assertThat(r.get("status").asText()).isEqualTo("ok"));

    assertThat(responses.get("vec").at("/response/vector")).hasSize(384);
    JsonNode probabilities = responses.get("cls").at("/response/probabilities");
    assertThat(probabilities.get("product issue").asDouble())
        .isGreaterThan(probabilities.get("furniture").asDouble());
    JsonNode batch = responses.get("cls-batch").at("/response/probabilities");
    assertThat(batch).hasSize(2);
    assertThat(List.of(batch.get(0).fieldNames().next(), batch.get(1).fieldNames().next()))
        .containsExactly("product issue", "product issue");
    assertThat(batch.get(1).has("sales")).isTrue();
    assertThat(batch.get(1).get("furniture").asDouble())
        .isGreaterThan(batch.get(1).get("product issue").asDouble());
    assertThat(responses.get("emo").at("/response/output").asText()).startsWith("optimism");
    JsonNode emotions = responses.get("emo-batch").at("/response/output");
    assertThat(emotions.get(0).asText()).startsWith("gratitude");
    assertThat(emotions.get(1).asText()).startsWith("anger");
    assertThat(responses.get("sum").at("/response/output").asText())
        .doesNotContain("Lisbon")
        .contains("battery");
    assertThat(responses.get("qa").at("/response/answer").asText()).isEqualTo("42");
    assertThat(responses.get("qa-batch").at("/response/answer"))
        .extracting(JsonNode::asText)
        .containsExactly("42", "London");
  }

  @Test
  void aParquetTableIsClassifiedWithTheSameLabelsForEveryRow() {
    String input = work.resolve("tickets.parquet").toString();
    spark
        .session()
        .createDataFrame(
            List.of(
                org.apache.spark.sql.RowFactory.create(
                    "t1", "I am really mad because my product broke."),
                org.apache.spark.sql.RowFactory.create(
                    "t2", "I would like to talk to your sales team about pricing.")),
            new org.apache.spark.sql.types.StructType()
                .add("ticket", "string")
                .add("body", "string"))
        .coalesce(1)
        .write()
        .parquet(input);
    JobOptions options =
        JobOptions.builder(input, work.resolve("tickets").toString())
            .optTask(co.backprop.contract.task.Task.TEXT_CLASSIFICATION)
            .optFieldColumns(Map.of("text", "body"))
            .optConstantFields(
                Map.of("labels", Json.MAPPER.createArrayNode().add("product issue").add("sales")))
            .optIdColumn("ticket")
            .optModelStore(work.resolve("empty-store").toString())
            .build();
    JobSummary summary = new BatchJob(spark.session(), options).run();
    List<org.apache.spark.sql.Row> rows =
        spark.session().read().parquet(summary.resultsPath()).orderBy("ticket").collectAsList();
    assertThat(rows).hasSize(2);
    Map<String, Double> first = rows.get(0).getJavaMap(rows.get(0).fieldIndex("probabilities"));
    Map<String, Double> second = rows.get(1).getJavaMap(rows.get(1).fieldIndex("probabilities"));
    assertThat(first.keySet()).containsExactlyInAnyOrder("product issue", "sales");
    assertThat(first.get("product issue")).isGreaterThan(first.get("sales"));
    assertThat(second.get("sales")).isGreaterThan(second.get("product issue"));
    assertThat(first.values().stream().mapToDouble(Double::doubleValue).sum())
        .isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-9));
  }
}
