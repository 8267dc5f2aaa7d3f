package co.backprop.jobs;

import static co.backprop.jobs.JobTestSupport.readJsonLines;
import static co.backprop.jobs.JobTestSupport.writeLines;
import static org.assertj.core.api.Assertions.assertThat;

import co.backprop.contract.task.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * text-generation and image-classification through the Spark job, on the fixture language model and
 * CLIP installed in a model store, with a catalog naming them as the real ones are named.
 */
class GenerationJobTest {
  @RegisterExtension static final LocalSpark spark = new LocalSpark();

  @TempDir Path work;

  private Path store() throws IOException {
    Path store = work.resolve("store");
    install(store, "lm-tiny-cached", "lm", List.of("model.onnx", "tokenizer.json", "config.json"));
    install(store, "clip-tiny", "clip", List.of("model.onnx", "tokenizer.json", "config.json"));
    return store;
  }

  private static void install(Path store, String fixture, String artifact, List<String> files)
      throws IOException {
    JobTestSupport.installFixture(store, fixture, artifact, files);
  }

  private Path catalog() throws IOException {
    String files =
        "{\"model\": \"model.onnx\", \"tokenizer\": \"tokenizer.json\", \"config\":"
            + " \"config.json\"}";
    return Files.writeString(
        work.resolve("models.json"),
        "{\"artifacts\": {\"lm\": {\"location\": \"store\", \"files\": "
            + files
            + "}, \"clip\": {\"location\": \"store\", \"files\": "
            + files
            + "}}, \"models\": [{\"task\": \"text-generation\", \"name\": \"gpt2-large\", \"kind\":"
            + " \"causal-lm\", \"artifact\": \"lm\"}, {\"task\": \"image-classification\","
            + " \"name\": \"english\", \"kind\": \"clip\", \"artifact\": \"clip\"}]}");
  }

  private static String line(String id, String task, Map<String, Object> body) {
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("id", id);
    request.put("task", task);
    request.put("body", body);
    return Json.MAPPER.valueToTree(request).toString();
  }

  @Test
  void generatesAndClassifiesImagesInOneRequestFile() throws IOException {
    Path input =
        writeLines(
            work.resolve("requests.jsonl"),
            line("greedy", "text-generation", Map.of("text", "the", "temperature", 0)),
            line(
                "batch",
                "text-generation",
                Map.of(
                    "text",
                    List.of("big", "ran the dog"),
                    "temperature",
                    0,
                    "num_beams",
                    2,
                    "length_penalty",
                    1,
                    "num_generations",
                    2)),
            line("bad", "text-generation", Map.of("text", "the", "top_p", 1.5)),
            line(
                "image",
                "image-classification",
                Map.of("image", JobTestSupport.png(Color.BLUE), "labels", List.of("red", "blue"))),
            line(
                "not-an-image",
                "image-classification",
                Map.of("image", "aGVsbG8=", "labels", List.of("red"))));

    JobOptions options =
        JobOptions.builder(input.toString(), work.resolve("out").toString())
            .optCatalog(catalog().toString())
            .optModelStore(store().toString())
            .optResponses(true)
            .build();
    JobSummary summary = new BatchJob(spark.session(), options).run();

    assertThat(summary.ok()).isEqualTo(4);
    assertThat(summary.error()).isEqualTo(2);
    List<JsonNode> items = readJsonLines(summary.resultsPath());
    assertThat(items.get(0).get("output").asText()).isEqualTo("the cat sat on a mat");
    assertThat(items.get(1).get("output"))
        .extracting(JsonNode::asText)
        .containsExactly("big dog ran away", "big red home");
    assertThat(items.get(3).get("error").asText())
        .isEqualTo("top_p: must be in (0, 1] but got 1.5");
    assertThat(items.get(4).at("/probabilities/blue").asDouble()).isGreaterThan(0.99);
    assertThat(items.get(5).get("error").asText())
        .isEqualTo("image: is not a PNG or JPEG image (5 bytes that no image reader knows)");

    Map<String, JsonNode> responses = new LinkedHashMap<>();
    readJsonLines(
            Path.of(java.net.URI.create(summary.resultsPath()))
                .resolveSibling("responses")
                .toUri()
                .toString())
        .forEach(r -> responses.put(r.get("id").asText(), r));
    assertThat(responses.get("greedy").get("response"))
        .isEqualTo(Json.MAPPER.readTree("{\"output\": \"the cat sat on a mat\"}"));
    // a batch body with two generations per input: a list of lists, in order
    assertThat(responses.get("batch").get("response").get("output").get(0))
        .extracting(JsonNode::asText)
        .containsExactly("big dog ran away", "big red home");
    assertThat(responses.get("batch").get("response").get("output").get(1).get(0).asText())
        .startsWith("ran the dog");
    assertThat(responses.get("image").at("/response/probabilities").fieldNames())
        .toIterable()
        .containsExactly("red", "blue");
    assertThat(responses.get("not-an-image").get("status").asText()).isEqualTo("error");
  }

  private static String blankPng(int width, int height) throws IOException {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_BINARY);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(image, "png", bytes);
    return Base64.getEncoder().encodeToString(bytes.toByteArray());
  }

  /**
   * Rows that once escaped the row's error handling (an image whose resize needed gigabytes, a
   * parameter without bound, NaN in a numeric column) are error rows now, and the job goes on.
   */
  @Test
  void poisonRowsAreErrorRowsAndTheRestRun() throws IOException {
    Path input =
        writeLines(
            work.resolve("poison.jsonl"),
            line(
                "long-image",
                "image-classification",
                Map.of("image", blankPng(1, 100_000), "labels", List.of("a", "b"))),
            line(
                "thin-image",
                "image-classification",
                Map.of("image", blankPng(1, 20_000), "labels", List.of("a", "b"))),
            line(
                "tall-but-fine",
                "image-classification",
                Map.of("image", blankPng(2, 8000), "labels", List.of("a", "b"))),
            line("beams", "text-generation", Map.of("text", "the", "num_beams", 1_000_000)),
            line("long-text", "text-generation", Map.of("text", "the ".repeat(30_000))),
            line("fine", "text-generation", Map.of("text", "the", "temperature", 0)));
    JobSummary requests =
        new BatchJob(
                spark.session(),
                JobOptions.builder(input.toString(), work.resolve("poison-out").toString())
                    .optCatalog(catalog().toString())
                    .optModelStore(store().toString())
                    .build())
            .run();
    Map<String, JsonNode> byId = new LinkedHashMap<>();
    readJsonLines(requests.resultsPath()).forEach(row -> byId.put(row.get("id").asText(), row));
    assertThat(byId.get("long-image").get("error").asText())
        .startsWith("image: is 1×100000 pixels; images may have at most 8192");
    assertThat(byId.get("thin-image").get("error").asText()).startsWith("image: is 1×20000 pixels");
    // Within the bounds, a 2×8000 image is cropped before it is resized: no 1.8 GB intermediate
    // image.
    assertThat(byId.get("tall-but-fine").get("status").asText()).isEqualTo("ok");
    assertThat(byId.get("beams").get("error").asText())
        .isEqualTo("num_beams: must be 16 or less but got 1000000");
    assertThat(byId.get("long-text").get("error").asText())
        .isEqualTo("text: must be at most 100000 characters but has 120000");
    assertThat(byId.get("fine").get("output").asText()).isEqualTo("the cat sat on a mat");

    // NaN in a numeric column of a typed table.
    String table = work.resolve("table.parquet").toString();
    spark
        .session()
        .createDataFrame(
            List.of(
                org.apache.spark.sql.RowFactory.create("a", "the", 0.0),
                org.apache.spark.sql.RowFactory.create("b", "the", Double.NaN),
                org.apache.spark.sql.RowFactory.create("c", "big", Double.POSITIVE_INFINITY)),
            org.apache.spark.sql.types.DataTypes.createStructType(
                List.of(
                    org.apache.spark.sql.types.DataTypes.createStructField(
                        "id", org.apache.spark.sql.types.DataTypes.StringType, false),
                    org.apache.spark.sql.types.DataTypes.createStructField(
                        "text", org.apache.spark.sql.types.DataTypes.StringType, false),
                    org.apache.spark.sql.types.DataTypes.createStructField(
                        "temperature", org.apache.spark.sql.types.DataTypes.DoubleType, false))))
        .write()
        .parquet(table);
    JobSummary enriched =
        new BatchJob(
                spark.session(),
                JobOptions.builder(table, work.resolve("table-out").toString())
                    .optTask(co.backprop.contract.task.Task.TEXT_GENERATION)
                    .optModel("gpt2-large")
                    .optIdColumn("id")
                    .optOutputFormat(co.backprop.contract.job.DataFormat.JSONL)
                    .optCatalog(catalog().toString())
                    .optModelStore(store().toString())
                    .build())
            .run();
    Map<String, JsonNode> rows = new LinkedHashMap<>();
    readJsonLines(enriched.resultsPath()).forEach(row -> rows.put(row.get("id").asText(), row));
    assertThat(rows.get("a").get("status").asText()).isEqualTo("ok");
    assertThat(rows.get("b").get("error").asText())
        .isEqualTo("temperature: must be a finite number but got NaN");
    assertThat(rows.get("c").get("error").asText())
        .isEqualTo("temperature: must be a finite number but got Infinity");
  }
}
