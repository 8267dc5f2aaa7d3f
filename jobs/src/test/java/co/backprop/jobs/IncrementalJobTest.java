package co.backprop.jobs;

import static co.backprop.jobs.JobTestSupport.json;
import static co.backprop.jobs.JobTestSupport.readJsonLines;
import static co.backprop.jobs.JobTestSupport.vector;
import static co.backprop.jobs.JobTestSupport.writeLines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import co.backprop.contract.job.DataFormat;
import co.backprop.contract.task.Task;
import co.backprop.jobs.output.Compaction;
import co.backprop.jobs.output.RunVersions;
import co.backprop.jobs.spark.CurrentRows;
import co.backprop.jobs.spark.RunIndexes;
import co.backprop.jobs.usage.UsageTally.Usage;
import co.backprop.outputs.JobOutput;
import co.backprop.outputs.RunCommit;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nightly enrichment: --incremental delta runs over a changing input (content hashes decide what
 * runs), compaction, a lost commit race, and inputs whose ids repeat.
 */
class IncrementalJobTest {
  @RegisterExtension static final LocalSpark spark = new LocalSpark();

  @TempDir Path work;

  private JobSummary run(JobOptions options) {
    return new BatchJob(spark.session(), options).run();
  }

  private JobOptions.Builder table(Path input, Path output) {
    return JobOptions.builder(input.toString(), output.toString())
        .optTask(Task.TEXT_VECTORISATION)
        .optIdColumn("sku")
        .optAccount("acme");
  }

  private static String product(int i) {
    return "{\"sku\": \"p-"
        + i
        + "\", \"text\": \"Product "
        + i
        + ": a sturdy item number "
        + i
        + " for the home\"}";
  }

  /** Rows 0..n-1, row {@code bad} (if any) with a number for text. */
  private Path products(String name, int n, int bad) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      lines.add(i == bad ? "{\"sku\": \"p-" + i + "\", \"text\": " + i + "}" : product(i));
    }
    return writeLines(work.resolve(name), lines.toArray(String[]::new));
  }

  private static Map<String, JsonNode> byId(List<JsonNode> rows, String field) {
    return rows.stream().collect(Collectors.toMap(r -> r.get(field).asText(), Function.identity()));
  }

  /** The output's current rows by id, through the one reader (the front door's, `results`'). */
  private static Map<String, JsonNode> current(Path output) {
    List<JsonNode> rows =
        JobOutput.at(output.toString(), new Configuration()).resultLines().stream()
            .map(JobTestSupport::json)
            .toList();
    Map<String, JsonNode> byId = byId(rows, "sku");
    assertThat(byId).as("one current row per id").hasSize(rows.size());
    return byId;
  }

  private static void assertSameVectors(Map<String, JsonNode> got, Map<String, JsonNode> want) {
    assertThat(got.keySet()).isEqualTo(want.keySet());
    for (String sku : want.keySet()) {
      assertThat(got.get(sku).get("status").asText()).as(sku).isEqualTo("ok");
      assertThat(got.get(sku).get("text").asText()).isEqualTo(want.get(sku).get("text").asText());
      assertThat(got.get(sku).get("input_hash").asText())
          .isEqualTo(want.get(sku).get("input_hash").asText());
      float[] a = vector(got.get(sku));
      float[] b = vector(want.get(sku));
      for (int i = 0; i < b.length; i++) {
        assertThat(a[i]).as(sku + "[" + i + "]").isCloseTo(b[i], within(1e-5f));
      }
    }
  }

  private static long requests(JobSummary summary) {
    return summary.usage().stream().mapToLong(Usage::requests).sum();
  }

  @Test
  void aNightRunsExactlyTheNewEditedAndFailedRowsAndWritesOnlyThose() throws IOException {
    Path output = work.resolve("nightly");
    JobSummary first =
        run(table(products("day1.jsonl", 10, 4), output).optIncremental(true).build());
    assertThat(first.run()).isEqualTo("v0001");
    assertThat(first.ok()).isEqualTo(9);
    assertThat(first.error()).isEqualTo(1);
    assertThat(first.added()).isEqualTo(10);

    // A run that died before its commit leaves a folder that must neither count nor block.
    Path dead = Files.createDirectories(output.resolve("v0002-deadbeef/results"));
    Files.writeString(dead.resolve("part-00000-dead.txt"), product(99) + "\n");

    // Day 2: five new rows, row 7's text edited, row 4 (failed) fixed, a column nobody maps.
    List<String> day2 = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      String line = i == 7 ? product(7).replace("sturdy", "flimsy") : product(i);
      day2.add(line.replace("{", "{\"stock\": " + (i * 3) + ", "));
    }
    Path day2File = writeLines(work.resolve("day2.jsonl"), day2.toArray(String[]::new));
    JobSummary second = run(table(day2File, output).optIncremental(true).build());
    assertThat(second.run()).isEqualTo("v0002");
    assertThat(second.rows()).isEqualTo(15);
    assertThat(second.skippedDone()).isEqualTo(8);
    assertThat(second.added()).isEqualTo(5);
    assertThat(second.changed()).isEqualTo(1);
    assertThat(second.retried()).isEqualTo(1);
    assertThat(readJsonLines(second.resultsPath()))
        .as("a night writes only the rows it ran")
        .extracting(r -> r.get("sku").asText())
        .containsExactlyInAnyOrder("p-4", "p-7", "p-10", "p-11", "p-12", "p-13", "p-14");

    JobSummary clean = run(table(day2File, work.resolve("clean")).build());
    assertSameVectors(current(output), byId(readJsonLines(clean.resultsPath()), "sku"));
    assertThat(current(output).get("p-7").get("text").asText()).contains("flimsy");
    assertThat(requests(first) + requests(second)).as("ok rows are billed").isEqualTo(9 + 7);

    // The same input again: nothing runs, nothing is billed, the current rows stay.
    JobSummary third = run(table(day2File, output).optIncremental(true).build());
    assertThat(third.results()).isZero();
    assertThat(third.skippedDone()).isEqualTo(15);
    assertThat(third.usage()).isEmpty();
    assertThat(current(output)).hasSize(15);

    // The hash is of the request the mapping made, not of how the options were spelled.
    JobSummary fourth =
        run(
            table(day2File, output)
                .optIncremental(true)
                .optModel("english")
                .optConstantFields(Map.of())
                .optFieldColumns(Map.of("text", "text"))
                .build());
    assertThat(fourth.results()).as("the same mapping spelled out changes nothing").isZero();

    // compact folds the runs; the current rows do not change, and later nights build on it.
    Map<String, JsonNode> before = current(output);
    Compaction.Result compacted = Compaction.compact(spark.session(), output.toString());
    assertThat(compacted.folded()).isEqualTo(4);
    assertThat(current(output)).isEqualTo(before);
    assertThat(Files.exists(output.resolve("v0001-" + token(output, 1) + "/results")))
        .as("results of folded runs are freed")
        .isFalse();
    assertThat(Files.exists(output.resolve("v0001-" + token(output, 1) + "/usage")))
        .as("usage is the billing record and stays")
        .isTrue();
    assertThat(run(table(day2File, output).optIncremental(true).build()).results()).isZero();

    // --keep-runs 1: the second night after the snapshot folds both into a new one.
    JobOptions keepOne = table(day2File, output).optIncremental(true).optKeepRuns(1).build();
    assertThat(run(keepOne).run()).isEqualTo("v0007");
    assertThat(JobOutput.at(output.toString(), new Configuration()).liveRuns())
        .extracting(JobOutput.Run::version, JobOutput.Run::kind)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(8, RunCommit.Kind.SNAPSHOT));
    assertThat(current(output)).isEqualTo(before);
  }

  @Test
  void aNewSetValueRunsEveryRowAgain() {
    Path input = products("in.jsonl", 5, -1);
    Path output = work.resolve("labelled");
    java.util.function.Function<String, JobOptions> labels =
        json ->
            JobOptions.builder(input.toString(), output.toString())
                .optTask(Task.TEXT_CLASSIFICATION)
                .optIdColumn("sku")
                .optConstantFields(Map.of("labels", json(json)))
                .optIncremental(true)
                .build();
    assertThat(run(labels.apply("[\"home\", \"garden\"]")).added()).isEqualTo(5);
    assertThat(run(labels.apply("[\"home\", \"garden\"]")).results()).isZero();
    JobSummary relabelled = run(labels.apply("[\"home\", \"office\"]"));
    assertThat(relabelled.changed()).isEqualTo(5);
    assertThat(current(output).get("p-0").get("probabilities").has("office")).isTrue();
  }

  /** The token of a committed run's folder, from the log. */
  private static String token(Path output, int version) {
    return JobOutput.at(output.toString(), new Configuration()).committedRuns().stream()
        .filter(run -> run.version() == version)
        .findFirst()
        .orElseThrow()
        .folder()
        .getName()
        .substring(6);
  }

  @Test
  void aNewModelVersionRunsEveryRowAgain() throws IOException {
    // The bundled model copied into a store, under a catalog of its own.
    Path store = Files.createDirectories(work.resolve("store/minilm"));
    for (String file : List.of("all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json")) {
      try (InputStream in = getClass().getResourceAsStream("/" + file)) {
        Files.copy(in, store.resolve(file));
      }
    }
    Path catalog =
        Files.writeString(
            work.resolve("models.json"),
            "{\"artifacts\": {\"minilm\": {\"location\": \""
                + store
                + "\", \"files\": {\"model\": \"all-minilm-l6-v2.onnx\", \"tokenizer\":"
                + " \"all-minilm-l6-v2-tokenizer.json\"}}}, \"models\": [{\"task\":"
                + " \"text-vectorisation\", \"name\": \"english\", \"kind\":"
                + " \"sentence-embedding\", \"artifact\": \"minilm\", \"options\":"
                + " {\"maxLength\": \"256\"}}]}");
    Path input = products("in.jsonl", 6, -1);
    Path output = work.resolve("out");
    JobOptions options =
        table(input, output).optIncremental(true).optCatalog(catalog.toString()).build();
    assertThat(run(options).added()).isEqualTo(6);
    assertThat(run(options).results()).isZero();

    // The same weights with a re-saved tokenizer file: a new model version as far as bytes go.
    Path tokenizer = store.resolve("all-minilm-l6-v2-tokenizer.json");
    Files.writeString(tokenizer, Files.readString(tokenizer) + "\n");
    JobSummary after = run(options);
    assertThat(after.changed()).isEqualTo(6);
    assertThat(after.skippedDone()).isZero();
  }

  @Test
  void aRunThatLosesTheRaceToCommitFailsCleanlyAndTheOutputHoldsTheWinners() {
    Path output = work.resolve("raced");
    run(table(products("a.jsonl", 4, -1), output).optIncremental(true).build());
    // A run that computed version 2 and is still writing...
    RunVersions slow = RunVersions.open(output.toString(), new Configuration());
    slow.next();
    // ...while another run computes version 2 too, and commits it first.
    JobSummary fast = run(table(products("b.jsonl", 6, -1), output).optIncremental(true).build());
    assertThat(fast.run()).isEqualTo("v0002");
    assertThatThrownBy(() -> slow.commit(RunCommit.Kind.DELTA, "sku"))
        .isInstanceOf(RunVersions.ConcurrentRunException.class)
        .hasMessageContaining("another run committed v0002")
        .hasMessageContaining("run again");
    assertThat(current(output)).hasSize(6);
    assertThat(JobOutput.at(output.toString(), new Configuration()).runFolders(new ArrayList<>()))
        .as("the loser's folder is gone")
        .hasSize(2);
  }

  @Test
  void typedOutputsRunIncrementallyAndRefuseAChangedSchema() {
    Path output = work.resolve("typed");
    Path day1 = work.resolve("day1.parquet");
    Path day2 = work.resolve("day2.parquet");
    spark
        .session()
        .read()
        .json(products("a.jsonl", 6, -1).toString())
        .write()
        .parquet(day1.toString());
    spark
        .session()
        .read()
        .json(products("b.jsonl", 8, -1).toString())
        .write()
        .parquet(day2.toString());

    run(table(day1, output).optIncremental(true).build());
    JobSummary second = run(table(day2, output).optIncremental(true).build());
    assertThat(second.skippedDone()).isEqualTo(6);
    assertThat(second.added()).isEqualTo(2);
    JobOutput job = JobOutput.at(output.toString(), new Configuration());
    List<Row> rows =
        CurrentRows.of(
                spark.session(),
                job,
                RunIndexes.latest(spark.session(), job.liveRuns()),
                DataFormat.PARQUET)
            .select("sku", "status")
            .collectAsList();
    assertThat(rows)
        .extracting(r -> r.getString(0))
        .containsExactlyInAnyOrder("p-0", "p-1", "p-2", "p-3", "p-4", "p-5", "p-6", "p-7");
    assertThat(rows).extracting(r -> r.getString(1)).containsOnly("ok");

    Path wider = work.resolve("wider.parquet");
    spark
        .session()
        .read()
        .parquet(day2.toString())
        .withColumn("price", org.apache.spark.sql.functions.lit(3))
        .write()
        .parquet(wider.toString());
    assertThatThrownBy(() -> run(table(wider, output).optIncremental(true).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("result columns")
        .hasMessageContaining("price")
        .hasMessageContaining("start a new output folder");
  }

  @Test
  void duplicateIdsAreRefusedUpFrontListingThemOrDroppedWhenAsked() {
    Path input =
        writeLines(
            work.resolve("dups.jsonl"),
            product(1),
            product(2),
            product(1),
            product(3),
            product(2),
            product(1));
    assertThatThrownBy(() -> run(table(input, work.resolve("refused")).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("p-1")
        .hasMessageContaining("p-2")
        .hasMessageContaining("--dedupe");
    assertThat(work.resolve("refused/results")).doesNotExist();

    JobSummary deduped = run(table(input, work.resolve("deduped")).optDedupe(true).build());
    assertThat(deduped.duplicatesDropped()).isEqualTo(3);
    assertThat(readJsonLines(deduped.resultsPath()))
        .extracting(r -> r.get("sku").asText())
        .containsExactly("p-1", "p-2", "p-3");
  }

  @Test
  void aRequestFileWithRepeatedIdsIsRefusedToo() {
    Path input =
        writeLines(
            work.resolve("requests.jsonl"),
            "{\"id\": \"a\", \"task\": \"text-vectorisation\", \"body\": {\"text\": \"one\"}}",
            "{\"id\": \"a\", \"task\": \"text-vectorisation\", \"body\": {\"text\": \"two\"}}");
    assertThatThrownBy(
            () -> run(JobOptions.builder(input.toString(), work.resolve("out").toString()).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'a'");
  }
}
