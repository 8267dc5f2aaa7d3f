package co.backprop.jobs;

import static co.backprop.engines.runner.Vectors.cosine;
import static co.backprop.jobs.JobTestSupport.readJsonLines;
import static co.backprop.jobs.JobTestSupport.vector;
import static co.backprop.jobs.JobTestSupport.writeLines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import co.backprop.contract.model.ModelException;
import co.backprop.contract.task.Task;
import co.backprop.engines.runner.ModelCache;
import co.backprop.jobs.usage.UsageTally.Usage;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The vectorisation job end to end on local Spark with the bundled MiniLM. */
class VectorisationJobTest {
  @RegisterExtension static final LocalSpark spark = new LocalSpark();

  @TempDir Path work;

  private JobSummary run(JobOptions options) {
    return new BatchJob(spark.session(), options).run();
  }

  private JobOptions.Builder vectorise(Path input, String output) {
    return JobOptions.builder(input.toString(), work.resolve(output).toString())
        .optTask(Task.TEXT_VECTORISATION);
  }

  @Test
  void theQuickstartSentencesGiveTheReferenceSimilaritiesThroughTheJob() {
    Path input =
        writeLines(
            work.resolve("quickstart.jsonl"),
            "{\"id\": \"weather\", \"text\": \"The weather is lovely today.\"}",
            "{\"id\": \"sunny\", \"text\": \"It's so sunny outside!\"}",
            "{\"id\": \"stadium\", \"text\": \"He drove to the stadium.\"}");
    JobSummary summary = run(vectorise(input, "quickstart").optIdColumn("id").build());

    List<JsonNode> rows = readJsonLines(summary.resultsPath());
    assertThat(rows)
        .extracting(r -> r.get("id").asText())
        .containsExactly("weather", "sunny", "stadium");
    double sunny = cosine(vector(rows.get(0)), vector(rows.get(1)));
    double stadium = cosine(vector(rows.get(0)), vector(rows.get(2)));
    System.out.printf("job cosines: weather~sunny %.4f, weather~stadium %.4f%n", sunny, stadium);
    assertThat(sunny).isCloseTo(0.6660, within(0.001));
    assertThat(stadium).isCloseTo(0.1046, within(0.001));
    assertThat(rows)
        .allSatisfy(
            row -> {
              assertThat(row.get("status").asText()).isEqualTo("ok");
              assertThat(row.get("vector")).hasSize(384);
              assertThat(row.get("model").asText()).isEqualTo("english");
              assertThat(row.get("device").asText()).isEqualTo("cpu");
              assertThat(row.get("truncated").asBoolean()).isFalse();
              assertThat(row.get("compute_ms").asDouble()).isPositive();
              assertThat(row.get("input_hash").asText()).matches("[0-9a-f]{32}");
            });
    assertThat(rows.stream().map(row -> row.get("input_hash").asText()).distinct().count())
        .as("different texts, different hashes")
        .isEqualTo(rows.size());
  }

  @Test
  void aJsonLinesJobKeepsEveryRowAndNamesTheFieldOfEachBadOne() {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      lines.add(
          "{\"sku\": \"ok-"
              + i
              + "\", \"title\": \"Product number "
              + i
              + " with a fine description\"}");
    }
    lines.add(7, "{\"sku\": \"bad-json\", \"title\": \"unterminated");
    lines.add(13, "{\"sku\": \"missing\", \"price\": 3}");
    lines.add(21, "{\"sku\": \"number\", \"title\": 42}");
    lines.add(30, "{\"sku\": \"empty\", \"title\": \"\"}");
    lines.add(31, "{\"sku\": \"long\", \"title\": \"" + "word ".repeat(400) + "\"}");
    Path input = writeLines(work.resolve("products.jsonl"), lines.toArray(String[]::new));

    JobSummary summary =
        run(
            vectorise(input, "products")
                .optFieldColumns(Map.of("text", "title"))
                .optIdColumn("sku")
                .optAccount("acme")
                .optPartitions(5)
                .build());

    List<JsonNode> rows = readJsonLines(summary.resultsPath());
    assertThat(rows).hasSize(lines.size());
    assertThat(summary.rows()).isEqualTo(lines.size());
    assertThat(summary.ok()).isEqualTo(41);
    assertThat(summary.error()).isEqualTo(4);

    Map<String, JsonNode> bySku = new java.util.HashMap<>();
    rows.stream().filter(r -> r.has("sku")).forEach(r -> bySku.put(r.get("sku").asText(), r));
    assertThat(rows.get(7).get("_line").asLong()).isEqualTo(8);
    assertThat(rows.get(7).get("_raw").asText()).startsWith("{\"sku\": \"bad-json\"");
    assertThat(rows.get(7).get("error").asText()).startsWith("line 8: not valid JSON");
    assertThat(bySku.get("missing").get("error").asText())
        .isEqualTo("text (column 'title'): is required");
    assertThat(bySku.get("missing").get("price").asInt()).isEqualTo(3);
    assertThat(bySku.get("number").get("error").asText())
        .isEqualTo("text (column 'title'): must be a string or a list of strings but got a number");
    assertThat(bySku.get("empty").get("error").asText())
        .isEqualTo("text (column 'title'): must not be empty");
    assertThat(bySku.get("long").get("truncated").asBoolean()).isTrue();
    assertThat(bySku.get("long").get("status").asText()).isEqualTo("ok");
    for (String bad : List.of("missing", "number", "empty")) {
      assertThat(bySku.get(bad).get("status").asText()).isEqualTo("error");
      assertThat(bySku.get(bad).get("vector").isNull()).isTrue();
      assertThat(bySku.get(bad).get("compute_ms").asDouble()).isZero();
    }
    // Input order and ids are kept, input columns too.
    List<String> expectedSkus =
        lines.stream()
            .filter(l -> !l.contains("bad-json"))
            .map(l -> l.replaceAll("^\\{\"sku\": \"([^\"]+)\".*", "$1"))
            .toList();
    assertThat(rows.stream().filter(r -> r.has("sku")).map(r -> r.get("sku").asText()).toList())
        .isEqualTo(expectedSkus);
    assertThat(bySku.get("ok-3").get("title").asText())
        .isEqualTo("Product number 3 with a fine description");

    // Usage: one line for the account, the ok rows, seconds = sum of the rows' compute_ms.
    double computeMs = rows.stream().mapToDouble(r -> r.get("compute_ms").asDouble()).sum();
    assertThat(summary.usage())
        .singleElement()
        .satisfies(
            usage -> {
              assertThat(usage.account()).isEqualTo("acme");
              assertThat(usage.task()).isEqualTo("text-vectorisation");
              assertThat(usage.model()).isEqualTo("english");
              assertThat(usage.requests()).isEqualTo(41);
              assertThat(usage.computeSeconds())
                  .isPositive()
                  .isCloseTo(computeMs / 1000, within(1e-9));
              assertThat(usage.period()).matches("\\d{4}-\\d{2}");
            });
    List<JsonNode> usageFile = readJsonLines(summary.usagePath());
    assertThat(usageFile)
        .singleElement()
        .satisfies(
            u -> {
              assertThat(u.get("requests").asLong()).isEqualTo(41);
              assertThat(u.get("compute_seconds").asDouble())
                  .isCloseTo(computeMs / 1000, within(1e-9));
            });
  }

  @Test
  void aParquetJobWritesParquetWithTheInputColumnsAndResults() {
    StructType schema =
        new StructType()
            .add("sku", DataTypes.LongType)
            .add("title", DataTypes.StringType)
            .add("price", DataTypes.DoubleType);
    List<Row> rows = new ArrayList<>();
    for (long i = 0; i < 30; i++) {
      rows.add(RowFactory.create(i, "Wireless headphones, model " + i, 10.0 + i));
    }
    rows.add(RowFactory.create(100L, null, 1.0));
    rows.add(RowFactory.create(101L, " ", 1.0));
    String input = work.resolve("products.parquet").toString();
    spark.session().createDataFrame(rows, schema).coalesce(1).write().parquet(input);

    JobSummary summary =
        run(
            JobOptions.builder(input, work.resolve("parquet-out").toString())
                .optTask(Task.TEXT_VECTORISATION)
                .optFieldColumns(Map.of("text", "title"))
                .optIdColumn("sku")
                .build());

    assertThat(summary.inputFormat()).isEqualTo("parquet");
    assertThat(summary.outputFormat()).isEqualTo("parquet");
    Dataset<Row> results = spark.session().read().parquet(summary.resultsPath());
    assertThat(results.columns())
        .containsExactly(
            "sku",
            "title",
            "price",
            "status",
            "error",
            "vector",
            "model",
            "device",
            "compute_ms",
            "truncated",
            "input_hash");
    // Part files in name order hold the rows in input order (a folder scan reorders files by size).
    List<Row> out = new ArrayList<>();
    for (String part : JobTestSupport.partFiles(summary.resultsPath())) {
      out.addAll(spark.session().read().parquet(part).collectAsList());
    }
    assertThat(out).hasSize(32);
    assertThat(out.stream().map(r -> r.getLong(0)).toList())
        .containsExactlyElementsOf(rows.stream().map(r -> r.getLong(0)).toList());
    Map<Long, Row> bySku = out.stream().collect(Collectors.toMap(r -> r.getLong(0), r -> r));
    assertThat(bySku.get(100L).getString(4)).isEqualTo("text (column 'title'): is required");
    assertThat(bySku.get(101L).getString(4)).isEqualTo("text (column 'title'): must not be empty");
    assertThat(bySku.get(5L).getString(3)).isEqualTo("ok");
    assertThat(bySku.get(5L).getList(5)).hasSize(384);
    assertThat(bySku.get(5L).getDouble(2)).isEqualTo(15.0);
    assertThat(summary.usage()).extracting(Usage::requests).containsExactly(30L);
  }

  @Test
  void aCsvTableWithQuotedFieldsIsEnrichedIntoJsonLines() {
    Path input =
        writeLines(
            work.resolve("products.csv"),
            "sku,title,price",
            "A1,\"Kettle, stainless steel\",20",
            "A2,\"Desk lamp \"\"Aurora\"\"\",35",
            "A3,,10");
    JobSummary summary =
        run(
            vectorise(input, "csv")
                .optFieldColumns(Map.of("text", "title"))
                .optIdColumn("sku")
                .build());
    assertThat(summary.outputFormat()).isEqualTo("jsonl");
    List<JsonNode> rows = readJsonLines(summary.resultsPath());
    assertThat(rows).extracting(r -> r.get("sku").asText()).containsExactly("A1", "A2", "A3");
    assertThat(rows.get(0).get("title").asText()).isEqualTo("Kettle, stainless steel");
    assertThat(rows.get(1).get("title").asText()).isEqualTo("Desk lamp \"Aurora\"");
    assertThat(rows).extracting(r -> r.get("status").asText()).containsExactly("ok", "ok", "error");
    assertThat(rows.get(2).get("error").asText()).isEqualTo("text (column 'title'): is required");
  }

  @Test
  void theModelIsLoadedOncePerJvmWhateverThePartitionCount() {
    ModelCache.closeAll();
    int loadsBefore = ModelCache.loads();
    Path input =
        writeLines(
            work.resolve("many.jsonl"),
            IntStream.range(0, 64)
                .mapToObj(i -> "{\"text\": \"sentence " + i + "\"}")
                .toArray(String[]::new));
    JobSummary summary = run(vectorise(input, "many").optPartitions(16).build());
    assertThat(summary.ok()).isEqualTo(64);
    assertThat(ModelCache.loads() - loadsBefore).isEqualTo(1);
    assertThat(summary.modelLoads())
        .singleElement()
        .asString()
        .startsWith("text-vectorisation/english on executor driver");
  }

  @Test
  void anUnknownModelFailsBeforeSparkStartsListingTheKnownOnes() {
    JobOptions options = vectorise(work.resolve("x.jsonl"), "x").optModel("klingon").build();
    assertThatThrownBy(() -> BatchJob.preflight(options))
        .isInstanceOf(ModelException.class)
        .hasMessage(
            "unknown model 'klingon' for text-vectorisation; known models for text-vectorisation:"
                + " english, english-fast, multilingual");
  }

  @Test
  void anExistingOutputIsKeptUnlessOverwriteIsAsked() {
    Path input = writeLines(work.resolve("one.jsonl"), "{\"text\": \"hello\"}");
    run(vectorise(input, "twice").build());
    assertThatThrownBy(() -> run(vectorise(input, "twice").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith("already exists; pass --overwrite to replace it");
    assertThat(run(vectorise(input, "twice").optOverwrite(true).build()).ok()).isEqualTo(1);
  }

  @Test
  void requireGpuWithoutGpuSettingsFailsBeforeAnyWork() {
    Path input = writeLines(work.resolve("gpu.jsonl"), "{\"id\": 1, \"text\": \"hello\"}");
    assertThatThrownBy(
            () -> run(vectorise(input, "gpu").optIdColumn("id").optRequireGpu(true).build()))
        .isInstanceOf(co.backprop.jobs.spark.GpuUnavailableException.class)
        .hasMessageStartingWith("--require-gpu: this Spark application gives its tasks no GPU")
        .hasMessageContaining("conf/spark-defaults-gpu.conf");
    assertThat(work.resolve("gpu/results")).doesNotExist();
  }
}
