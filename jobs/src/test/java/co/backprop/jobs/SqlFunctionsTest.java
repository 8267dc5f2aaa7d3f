package co.backprop.jobs;

import static co.backprop.jobs.JobTestSupport.readJsonLines;
import static co.backprop.jobs.JobTestSupport.writeLines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import co.backprop.contract.task.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Backprop SQL functions, {@code Backprop.enrich} and the ML Transformer, over one table with
 * good and bad rows, in a real local Spark session started with the session extension: bad rows
 * give error structs, good rows equal a job's results over the same rows.
 */
class SqlFunctionsTest {
  @TempDir static Path work;
  private static SparkSession spark;

  /** id, text, labels, question, context, prompt, image, count, body. */
  private static final List<Object[]> ROWS = new ArrayList<>();

  @BeforeAll
  static void start() throws IOException {
    spark = JobTestSupport.localSpark();
    Path store = work.resolve("store");
    install(store, "qa-tiny", "distilbert-base-cased-distilled-squad");
    install(store, "lm-tiny-cached", "gpt2-large");
    install(store, "clip-tiny", "clip-vit-base-patch32");
    spark.conf().set("backprop.model-store", store.toString());
    spark.conf().set("backprop.account", "acme");
    List<String> labels = List.of("phone", "furniture");
    String blue = png(Color.BLUE);
    ROWS.add(
        new Object[] {
          1,
          "iPhone 12 128GB with a cracked screen. The battery lasts a day. It was cheap.",
          labels,
          "What is the meaning of life?",
          "The meaning of life is 42.",
          "the",
          blue,
          7,
          "{\"text\": \"iPhone 12 128GB\"}"
        });
    ROWS.add(
        new Object[] {
          2,
          "My new oak desk and chair arrived.",
          labels,
          "Where does Sally live?",
          "Sally lives in London",
          "big",
          png(Color.RED),
          8,
          "{\"text\": \"an oak desk\", \"model\": \"english\"}"
        });
    // Bad rows: nulls, empty strings, a body of the wrong shape, a label list with a null.
    ROWS.add(new Object[] {3, null, null, null, null, null, null, null, null});
    ROWS.add(new Object[] {4, "", List.of(), "", "", "", "aGVsbG8=", 9, "{\"text\": 5}"});
    ROWS.add(
        new Object[] {
          5,
          "I hope this works",
          labels,
          "Who?",
          "Nobody knows.",
          "ran the dog",
          blue,
          10,
          "not json"
        });
    List<String> lines = new ArrayList<>();
    for (Object[] row : ROWS) {
      Map<String, Object> line = new LinkedHashMap<>();
      String[] names = {
        "id", "text", "labels", "question", "context", "prompt", "image", "count", "body"
      };
      for (int i = 0; i < names.length; i++) {
        line.put(names[i], row[i]);
      }
      lines.add(Json.MAPPER.writeValueAsString(line));
    }
    Path jsonl = writeLines(work.resolve("rows.jsonl"), lines.toArray(String[]::new));
    spark
        .read()
        .schema(
            "id INT, text STRING, labels ARRAY<STRING>, question STRING, context STRING,"
                + " prompt STRING, image STRING, count INT, body STRING")
        .json(jsonl.toString())
        .write()
        .parquet(work.resolve("rows.parquet").toString());
    spark.read().parquet(work.resolve("rows.parquet").toString()).createOrReplaceTempView("t");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static void install(Path store, String fixture, String artifact) throws IOException {
    Path folder = Files.createDirectories(store.resolve(artifact));
    for (String file : List.of("model.onnx", "tokenizer.json", "config.json")) {
      try (InputStream in =
          SqlFunctionsTest.class.getResourceAsStream("/fixtures/" + fixture + "/" + file)) {
        Files.copy(in, folder.resolve(file), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  private static String png(Color color) throws IOException {
    BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
    Graphics2D graphics = image.createGraphics();
    graphics.setColor(color);
    graphics.fillRect(0, 0, 40, 30);
    graphics.dispose();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(image, "png", bytes);
    return "data:image/png;base64," + Base64.getEncoder().encodeToString(bytes.toByteArray());
  }

  /** The query's rows as JSON, by id. */
  private static Map<Integer, JsonNode> byId(Dataset<Row> rows) {
    Map<Integer, JsonNode> byId = new HashMap<>();
    for (String line : rows.toJSON().collectAsList()) {
      JsonNode row = JobTestSupport.json(line);
      byId.put(row.get("id").asInt(), row);
    }
    return byId;
  }

  /** The same rows as a request file through a job: per "id/task", the result row. */
  private static Map<String, JsonNode> jobResults() {
    List<String> lines = new ArrayList<>();
    for (Object[] row : ROWS) {
      int id = (Integer) row[0];
      if (row[1] == null) {
        continue;
      }
      lines.add(line(id, "text-vectorisation", Map.of("text", row[1])));
      lines.add(line(id, "text-classification", Map.of("text", row[1], "labels", row[2])));
      lines.add(line(id, "emotion", Map.of("text", row[1])));
      lines.add(line(id, "summarisation", Map.of("text", row[1])));
      lines.add(line(id, "qa", Map.of("question", row[3], "context", row[4])));
      lines.add(
          line(id, "text-generation", Map.of("text", row[5], "temperature", 0, "max_length", 8)));
      lines.add(line(id, "image-classification", Map.of("image", row[6], "labels", row[2])));
    }
    Path input = writeLines(work.resolve("requests.jsonl"), lines.toArray(String[]::new));
    JobOptions options =
        JobOptions.builder(input.toString(), work.resolve("job").toString())
            .optModelStore(work.resolve("store").toString())
            .build();
    JobSummary summary = new BatchJob(spark, options).run();
    Map<String, JsonNode> results = new HashMap<>();
    for (JsonNode item : readJsonLines(summary.resultsPath())) {
      results.put(item.get("id").asText(), item);
    }
    return results;
  }

  private static String line(int id, String task, Map<String, Object> body) {
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("id", id + "/" + task);
    request.put("task", task);
    request.put("body", body);
    try {
      return Json.MAPPER.writeValueAsString(request);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void everyFunctionGivesErrorStructsForBadRowsAndTheJobsResultsForGoodOnes() {
    Map<Integer, JsonNode> sql =
        byId(
            spark.sql(
                "SELECT id, backprop_vectorise(text) AS vectorise,"
                    + " backprop_classify(text, labels) AS classify,"
                    + " backprop_emotion(text) AS emotion,"
                    + " backprop_summarise(text) AS summarise,"
                    + " backprop_answer(question, context) AS answer,"
                    + " backprop_generate(prompt, map('temperature', 0, 'max_length', 8))"
                    + " AS generate,"
                    + " backprop_classify_image(image, labels) AS image,"
                    + " backprop('text-vectorisation', body) AS body,"
                    + " backprop_vectorise(count) AS wrong_type"
                    + " FROM t"));
    Map<String, JsonNode> job = jobResults();
    String[][] columns = {
      {"vectorise", "text-vectorisation", "vector"},
      {"classify", "text-classification", "probabilities"},
      {"emotion", "emotion", "output"},
      {"summarise", "summarisation", "output"},
      {"answer", "qa", "answer"},
      {"generate", "text-generation", "output"},
      {"image", "image-classification", "probabilities"}
    };
    int compared = 0;
    for (int id : List.of(1, 2, 5)) {
      for (String[] column : columns) {
        JsonNode mine = sql.get(id).get(column[0]);
        JsonNode theirs = job.get(id + "/" + column[1]);
        assertThat(mine.get("status").asText()).as(id + " " + column[0]).isEqualTo("ok");
        assertThat(theirs.get("status").asText()).isEqualTo("ok");
        assertThat(mine.get("model").asText()).isEqualTo(theirs.get("model").asText());
        assertClose(mine.get(column[2]), theirs.get(column[2]), id + " " + column[0]);
        compared++;
      }
    }
    assertThat(compared).isEqualTo(21);
    assertThat(sql.get(1).get("vectorise").get("vector")).hasSize(384);
    assertThat(sql.get(1).get("generate").get("output").asText()).startsWith("the");

    // Null, empty and unreadable arguments: error structs naming the field, no response.
    for (String column : List.of("vectorise", "classify", "emotion", "summarise", "answer")) {
      for (int id : List.of(3, 4)) {
        JsonNode result = sql.get(id).get(column);
        assertThat(result.get("status").asText()).as(id + " " + column).isEqualTo("error");
        assertThat(result.get("error").asText()).as(id + " " + column).isNotBlank();
        assertThat(result.get("compute_ms").asDouble()).isZero();
      }
    }
    assertThat(sql.get(3).get("vectorise").get("error").asText()).startsWith("text: is required");
    assertThat(sql.get(3).get("answer").get("error").asText()).startsWith("question");
    assertThat(sql.get(4).get("image").get("status").asText()).isEqualTo("error");
    assertThat(sql.get(4).get("image").get("error").asText()).contains("image");
    assertThat(sql.get(3).get("generate").get("error").asText()).startsWith("text");

    // The body function: a body, a body naming its model, a null, a wrong type, not JSON.
    assertThat(sql.get(1).get("body").get("status").asText()).isEqualTo("ok");
    assertClose(
        sql.get(1).get("body").get("vector"),
        spark
            .sql("SELECT backprop_vectorise('iPhone 12 128GB') AS v")
            .toJSON()
            .collectAsList()
            .stream()
            .map(JobTestSupport::json)
            .findFirst()
            .orElseThrow()
            .get("v")
            .get("vector"),
        "body");
    assertThat(sql.get(2).get("body").get("status").asText()).isEqualTo("ok");
    assertThat(sql.get(3).get("body").get("error").asText()).isEqualTo("body: is required");
    assertThat(sql.get(4).get("body").get("error").asText()).startsWith("text: must be a string");
    assertThat(sql.get(5).get("body").get("error").asText())
        .startsWith("body: must be a JSON object but could not be parsed");
    // An integer column where text belongs: the row's error, not the query's.
    assertThat(sql.get(1).get("wrong_type").get("status").asText()).isEqualTo("error");
    assertThat(sql.get(1).get("wrong_type").get("error").asText())
        .startsWith("text: must be a string");
    assertThat(sql.get(3).get("wrong_type").get("error").asText()).startsWith("text: is required");
  }

  private static void assertClose(JsonNode mine, JsonNode theirs, String what) {
    if (theirs.isArray()) {
      assertThat(mine).as(what).hasSize(theirs.size());
      for (int i = 0; i < theirs.size(); i++) {
        assertThat(mine.get(i).asDouble())
            .as(what)
            .isCloseTo(theirs.get(i).asDouble(), within(1e-5));
      }
    } else if (theirs.isObject()) {
      assertThat(mine.size()).as(what).isEqualTo(theirs.size());
      theirs
          .fieldNames()
          .forEachRemaining(
              label ->
                  assertThat(mine.get(label).asDouble())
                      .as(what + " " + label)
                      .isCloseTo(theirs.get(label).asDouble(), within(1e-5)));
    } else {
      assertThat(mine.asText()).as(what).isEqualTo(theirs.asText());
    }
  }
}
