package co.backprop.jobs;

import static co.backprop.jobs.JobTestSupport.readJsonLines;
import static co.backprop.jobs.JobTestSupport.vector;
import static co.backprop.jobs.JobTestSupport.writeLines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import co.backprop.contract.task.Task;
import co.backprop.jobs.usage.UsageTally.Usage;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Nightly enrichment: --incremental runs over a growing input, and inputs whose ids repeat. */
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

  @Test
  void aSecondRunProcessesOnlyNewAndFailedRowsAndTheOutputEqualsACleanRun() throws IOException {
    Path output = work.resolve("nightly");
    JobSummary first =
        run(table(products("day1.jsonl", 10, 4), output).optIncremental(true).build());
    assertThat(first.run()).isEqualTo("v0001");
    assertThat(first.ok()).isEqualTo(9);
    assertThat(first.error()).isEqualTo(1);
    assertThat(first.skippedDone()).isZero();
    assertThat(first.carried()).isZero();

    // A run that died before its commit leaves a folder that must neither count nor block.
    Files.createDirectories(output.resolve("v0002/results"));
    Files.writeString(output.resolve("v0002/results/part-00000-dead.txt"), product(99) + "\n");

    JobSummary second =
        run(table(products("day2.jsonl", 15, -1), output).optIncremental(true).build());
    assertThat(second.run()).isEqualTo("v0002");
    assertThat(second.rows()).isEqualTo(15);
    assertThat(second.skippedDone()).isEqualTo(9);
    assertThat(second.carried()).isEqualTo(9);
    assertThat(second.results()).isEqualTo(6); // the failed row and five new ones
    assertThat(second.ok()).isEqualTo(6);
    assertThat(Files.exists(output.resolve("v0002/_COMMITTED"))).isTrue();

    JobSummary clean = run(table(work.resolve("day2.jsonl"), work.resolve("clean")).build());
    Map<String, JsonNode> incremental = byId(readJsonLines(second.resultsPath()), "sku");
    Map<String, JsonNode> reference = byId(readJsonLines(clean.resultsPath()), "sku");
    assertThat(readJsonLines(second.resultsPath())).hasSize(15);
    assertThat(incremental.keySet()).isEqualTo(reference.keySet());
    for (String sku : reference.keySet()) {
      assertThat(incremental.get(sku).get("status").asText()).as(sku).isEqualTo("ok");
      assertThat(incremental.get(sku).get("text").asText())
          .isEqualTo(reference.get(sku).get("text").asText());
      float[] got = vector(incremental.get(sku));
      float[] want = vector(reference.get(sku));
      for (int i = 0; i < want.length; i++) {
        assertThat(got[i]).as(sku + "[" + i + "]").isCloseTo(want[i], within(1e-5f));
      }
    }
    // Billed once: the two runs' requests add up to the clean run's.
    long billed =
        first.usage().stream().mapToLong(Usage::requests).sum()
            + second.usage().stream().mapToLong(Usage::requests).sum();
    assertThat(billed)
        .isEqualTo(clean.usage().stream().mapToLong(Usage::requests).sum())
        .isEqualTo(15);
    // The first run stays readable until a later run retires it.
    assertThat(readJsonLines(first.resultsPath())).hasSize(10);

    JobSummary third = run(table(work.resolve("day2.jsonl"), output).optIncremental(true).build());
    assertThat(third.results()).isZero();
    assertThat(third.skippedDone()).isEqualTo(15);
    assertThat(third.usage()).isEmpty();
    assertThat(readJsonLines(third.resultsPath())).hasSize(15);
    assertThat(Files.exists(output.resolve("v0001/results")))
        .as("results older than the last two runs are freed")
        .isFalse();
    assertThat(Files.exists(output.resolve("v0001/usage")))
        .as("usage is the billing record and stays")
        .isTrue();
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
    assertThat(second.carried()).isEqualTo(6);
    List<Row> rows =
        spark
            .session()
            .read()
            .parquet(second.resultsPath())
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
