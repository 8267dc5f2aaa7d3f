package co.backprop.jobs;

import static co.backprop.jobs.JobTestSupport.readJsonLines;
import static co.backprop.jobs.JobTestSupport.writeLines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import co.backprop.contract.task.Json;
import co.backprop.jobs.usage.UsageTally.Usage;
import co.backprop.spark.Backprop;
import co.backprop.spark.BackpropTransformer;
import com.fasterxml.jackson.databind.JsonNode;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
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
    String blue = JobTestSupport.png(Color.BLUE);
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
          JobTestSupport.png(Color.RED),
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
    ROWS.add(
        new Object[] {
          6, "fine", labels, "Q?", "C.", "the", blue, 11, "{\"text\": \"a\", \"model\": 5}"
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
    JobTestSupport.installFixture(
        store, fixture, artifact, List.of("model.onnx", "tokenizer.json", "config.json"));
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
    assertThat(sql.get(6).get("body").get("error").asText())
        .isEqualTo("model: must be a model name but got a number");
    // An integer column where text belongs: the row's error, not the query's.
    assertThat(sql.get(1).get("wrong_type").get("status").asText()).isEqualTo("error");
    assertThat(sql.get(1).get("wrong_type").get("error").asText())
        .startsWith("text: must be a string");
    assertThat(sql.get(3).get("wrong_type").get("error").asText()).startsWith("text: is required");
  }

  private static final String CLASSIFY = "backprop_classify(text, array('phone', 'furniture'))";

  @Test
  void callsInWhereGroupByAndJoinsRunOncePerRowInBatches() {
    Map<Integer, JsonNode> projected = byId(spark.sql("SELECT id, " + CLASSIFY + " AS c FROM t"));
    List<Integer> phones = new ArrayList<>();
    Map<Integer, String> best = new HashMap<>();
    projected.forEach(
        (id, row) -> {
          JsonNode probabilities = row.get("c").get("probabilities");
          if (row.get("c").get("status").asText().equals("ok")) {
            String top =
                probabilities.get("phone").asDouble() > probabilities.get("furniture").asDouble()
                    ? "phone"
                    : "furniture";
            best.put(id, top);
            if (top.equals("phone")) {
              phones.add(id);
            }
          }
        });
    assertThat(best).containsEntry(1, "phone").containsEntry(2, "furniture").hasSize(4);

    // WHERE
    Dataset<Row> filtered =
        spark.sql("SELECT id FROM t WHERE " + CLASSIFY + ".probabilities['phone'] > 0.5");
    assertThat(filtered.collectAsList())
        .extracting(r -> r.getInt(0))
        .containsExactlyInAnyOrderElementsOf(phones);
    assertThat(filtered.queryExecution().executedPlan().toString())
        .contains("BatchInference [backprop_classify(");

    // ORDER BY and LIMIT
    assertThat(
            spark
                .sql(
                    "SELECT id FROM t ORDER BY "
                        + CLASSIFY
                        + ".probabilities['phone'] DESC LIMIT 1")
                .first()
                .getInt(0))
        .isEqualTo(1);

    // GROUP BY a call's field, counting each group once.
    List<Usage> before = Backprop.usage(spark);
    Map<String, Long> groups = new HashMap<>();
    spark
        .sql("SELECT " + CLASSIFY + ".status AS status, count(*) AS n FROM t GROUP BY 1")
        .collectAsList()
        .forEach(r -> groups.put(r.getString(0), r.getLong(1)));
    assertThat(groups).containsEntry("ok", 4L).containsEntry("error", 2L);
    // The call in SELECT and GROUP BY ran once per row: four ok calls billed.
    assertThat(requests(Backprop.usage(spark)) - requests(before)).isEqualTo(4);

    // A join on a call's result: each ok row joins the kind it is most likely.
    spark
        .createDataFrame(
            List.of(
                org.apache.spark.sql.RowFactory.create("phone"),
                org.apache.spark.sql.RowFactory.create("furniture")),
            new org.apache.spark.sql.types.StructType().add("kind", "string"))
        .createOrReplaceTempView("kinds");
    Map<Integer, String> joined = new HashMap<>();
    spark
        .sql(
            "SELECT t.id, k.kind FROM t JOIN kinds k ON "
                + CLASSIFY.replace("text", "t.text")
                + ".probabilities[k.kind] > 0.5")
        .collectAsList()
        .forEach(r -> assertThat(joined.put(r.getInt(0), r.getString(1))).isNull());
    assertThat(joined).isEqualTo(best);

    // A call over another call's output: stacked operators, innermost first.
    Map<Integer, JsonNode> nested =
        byId(
            spark.sql(
                "SELECT id, backprop_vectorise(backprop_summarise(text).output) AS v,"
                    + " backprop_summarise(text).output AS s FROM t WHERE id = 1"));
    Map<Integer, JsonNode> direct =
        byId(
            spark.sql(
                "SELECT 1 AS id, backprop_vectorise('"
                    + nested.get(1).get("s").asText().replace("'", "\\'")
                    + "') AS v"));
    assertClose(
        nested.get(1).get("v").get("vector"), direct.get(1).get("v").get("vector"), "nested");
  }

  private static long requests(List<Usage> usage) {
    return usage.stream().mapToLong(Usage::requests).sum();
  }

  @Test
  void usageEqualsTheSumOfComputeMsPerAccountTaskAndModel() {
    spark.conf().set("backprop.account", "metered");
    try {
      List<Row> rows =
          spark
              .sql(
                  "SELECT v.status, v.compute_ms FROM (SELECT backprop_vectorise(text) AS v FROM"
                      + " t)")
              .collectAsList();
      double okMs =
          rows.stream()
              .filter(r -> r.getString(0).equals("ok"))
              .mapToDouble(r -> r.getDouble(1))
              .sum();
      Usage usage =
          Backprop.usage(spark).stream()
              .filter(u -> u.account().equals("metered"))
              .findFirst()
              .orElseThrow();
      assertThat(usage.task()).isEqualTo("text-vectorisation");
      assertThat(usage.model()).isEqualTo("english");
      assertThat(usage.requests()).isEqualTo(4);
      assertThat(okMs).isPositive();
      assertThat(usage.computeSeconds()).isCloseTo(okMs / 1000.0, within(1e-9));
    } finally {
      spark.conf().set("backprop.account", "acme");
    }
  }

  @Test
  void theTransformerRunsInAPipelineAndIsSavedAndLoaded() throws IOException {
    Dataset<Row> products = spark.sql("SELECT id, text AS title FROM t");
    BackpropTransformer classify =
        new BackpropTransformer()
            .setTask("text-classification")
            .setInputCols("text=title")
            .setConstants("labels=[\"phone\", \"furniture\"]")
            .setOutputCol("kind");
    BackpropTransformer vectorise =
        new BackpropTransformer().setTask("text-vectorisation").setInputCols("text=title");
    PipelineModel model =
        new Pipeline().setStages(new PipelineStage[] {classify, vectorise}).fit(products);
    String path = work.resolve("pipeline").toString();
    model.write().overwrite().save(path);
    PipelineModel loaded = PipelineModel.load(path);
    assertThat(loaded.stages()).hasSize(2);
    assertThat(
            ((BackpropTransformer) loaded.stages()[0])
                .getOrDefault(((BackpropTransformer) loaded.stages()[0]).outputCol()))
        .isEqualTo("kind");

    Map<Integer, JsonNode> piped = byId(loaded.transform(products));
    Map<Integer, JsonNode> sql =
        byId(spark.sql("SELECT id, " + CLASSIFY + " AS c, backprop_vectorise(text) AS v FROM t"));
    for (int id : List.of(1, 2, 3, 4, 5, 6)) {
      assertThat(piped.get(id).get("kind").get("status"))
          .isEqualTo(sql.get(id).get("c").get("status"));
      assertThat(piped.get(id).get("backprop").get("status"))
          .isEqualTo(sql.get(id).get("v").get("status"));
      if (sql.get(id).get("v").get("status").asText().equals("ok")) {
        assertClose(
            piped.get(id).get("backprop").get("vector"),
            sql.get(id).get("v").get("vector"),
            "vector " + id);
        assertClose(
            piped.get(id).get("kind").get("probabilities"),
            sql.get(id).get("c").get("probabilities"),
            "kind " + id);
      }
    }

    // One stage alone, saved and loaded by its own reader.
    String stagePath = work.resolve("stage").toString();
    vectorise.write().overwrite().save(stagePath);
    BackpropTransformer again = BackpropTransformer.load(stagePath);
    assertThat(again.uid()).isEqualTo(vectorise.uid());
    assertThat(again.transformSchema(products.schema()).fieldNames()).contains("backprop");
    assertThat(again.transform(products).filter("backprop.status = 'ok'").count()).isEqualTo(4);

    // enrich: the plain DataFrame API, mapping a field to a column.
    Dataset<Row> enriched =
        Backprop.enrich(products, "text-vectorisation", Map.of("text", "title"));
    Map<Integer, JsonNode> rows = byId(enriched);
    assertClose(
        rows.get(2).get("backprop").get("vector"), sql.get(2).get("v").get("vector"), "enrich");
    assertThatThrownBy(
            () -> Backprop.enrich(products, "text-vectorisation", Map.of("txt", "title")))
        .hasMessageContaining("unknown field 'txt' for text-vectorisation");
    assertThatThrownBy(
            () -> Backprop.enrich(products, "text-vectorisation", Map.of("text", "name")))
        .hasMessageContaining("no column 'name'");
  }

  @Test
  void mistakesInTheQueryFailItBeforeAnyModelRuns() {
    assertThatThrownBy(
            () -> spark.sql("SELECT backprop_vectorise(text, 'multilingual') FROM t").collect())
        .hasMessageContaining("text-vectorisation/multilingual is not installed")
        .hasMessageContaining(
            "To install it: bin/backprop models fetch paraphrase-multilingual-minilm-l12-v2");
    assertThatThrownBy(() -> spark.sql("SELECT backprop_vectorise() FROM t").collect())
        .hasMessageContaining("backprop_vectorise takes (text [, model]) but got 0 argument(s)");
    assertThatThrownBy(() -> spark.sql("SELECT backprop_vectorise(text, body) FROM t").collect())
        .hasMessageContaining("the model must be a constant string");
    assertThatThrownBy(() -> spark.sql("SELECT backprop('vectorise', body) FROM t").collect())
        .hasMessageContaining("unknown task 'vectorise'");
    assertThatThrownBy(() -> spark.sql("SELECT backprop_vectorise(text, 'nope') FROM t").collect())
        .hasMessageContaining("unknown model 'nope' for text-vectorisation");
  }

  @Test
  void registerAddsTheFunctionsToASessionStartedWithoutTheExtension() {
    // The suite's session got the functions from spark.sql.extensions alone, as spark-sql would.
    assertThat(spark.sparkContext().getConf().get("spark.sql.extensions"))
        .contains("co.backprop.spark.BackpropExtensions");
    SparkSession plain =
        new org.apache.spark.sql.classic.SparkSession(
            spark.sparkContext(),
            scala.Option.empty(),
            scala.Option.empty(),
            new org.apache.spark.sql.SparkSessionExtensions(),
            scala.collection.immutable.Map$.MODULE$.empty(),
            scala.collection.immutable.Map$.MODULE$.empty());
    assertThatThrownBy(() -> plain.sql("SELECT backprop_vectorise('a chair')").collect())
        .hasMessageContaining("backprop_vectorise");
    Backprop.register(plain);
    Backprop.register(plain);
    Row row = plain.sql("SELECT backprop_vectorise('a chair') AS v").first();
    Row result = row.getStruct(0);
    assertThat(result.getString(result.fieldIndex("status"))).isEqualTo("ok");
    assertThat(result.getList(result.fieldIndex("vector"))).hasSize(384);
    assertThat(
            plain
                .sql("SELECT backprop_vectorise('a chair')")
                .queryExecution()
                .executedPlan()
                .toString())
        .containsOnlyOnce("BatchInference [");
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
