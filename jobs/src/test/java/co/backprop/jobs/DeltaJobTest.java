package co.backprop.jobs;

import static co.backprop.jobs.JobTestSupport.vector;
import static co.backprop.jobs.JobTestSupport.writeLines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import co.backprop.contract.job.DataFormat;
import co.backprop.contract.task.Task;
import co.backprop.jobs.output.DeltaResults;
import co.backprop.jobs.output.RunVersions;
import co.backprop.outputs.JobOutput;
import com.fasterxml.jackson.databind.JsonNode;
import io.delta.tables.DeltaTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delta Lake tables: as a job's input and output, and as the one table incremental nights MERGE
 * into (history and time travel from Delta), with a concurrent night failing cleanly. JSON-lines
 * nights MERGE into a Delta table too.
 */
class DeltaJobTest {
  @RegisterExtension static final LocalSpark spark = new LocalSpark();

  @TempDir Path work;

  private JobSummary run(JobOptions options) {
    return new BatchJob(spark.session(), options).run();
  }

  private static String product(int i, String adjective) {
    return "{\"sku\": \"p-"
        + i
        + "\", \"text\": \"Product "
        + i
        + ": a "
        + adjective
        + " item number "
        + i
        + " for the home\"}";
  }

  /** A Delta table of products 0..n-1; {@code edited} gets another text, {@code bad} none. */
  private Path deltaInput(String name, int n, int edited, int bad) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      lines.add(
          i == bad ? "{\"sku\": \"p-" + i + "\"}" : product(i, i == edited ? "flimsy" : "sturdy"));
    }
    Path json = writeLines(work.resolve(name + ".jsonl"), lines.toArray(String[]::new));
    Path table = work.resolve(name);
    spark
        .session()
        .read()
        .schema("sku STRING, text STRING")
        .json(json.toString())
        .write()
        .format("delta")
        .save(table.toString());
    return table;
  }

  private JobOptions.Builder table(Path input, Path output) {
    return JobOptions.builder(input.toString(), output.toString())
        .optTask(Task.TEXT_VECTORISATION)
        .optIdColumn("sku")
        .optAccount("acme");
  }

  private Dataset<Row> delta(Path table) {
    return spark.session().read().format("delta").load(table.toString());
  }

  /** Rows of a Delta table by sku, as JSON. */
  private Map<String, JsonNode> bySku(Dataset<Row> rows) {
    Map<String, JsonNode> bySku = new HashMap<>();
    for (String line : rows.toJSON().collectAsList()) {
      JsonNode row = JobTestSupport.json(line);
      assertThat(bySku.put(row.get("sku").asText(), row)).as("one row per sku").isNull();
    }
    return bySku;
  }

  @Test
  void incrementalNightsMergeIntoOneTableWithHistory() {
    Path output = work.resolve("nightly");
    Path results = output.resolve("results");
    JobSummary first =
        run(
            table(deltaInput("day1", 10, -1, 4), output)
                .optIncremental(true)
                .optOutputFormat(DataFormat.DELTA)
                .build());
    assertThat(first.ok()).isEqualTo(9);
    assertThat(first.error()).isEqualTo(1);

    // Night 2: five new rows, row 7's text edited, row 4 fixed.
    Path day2 = deltaInput("day2", 15, 7, -1);
    JobSummary second =
        run(table(day2, output).optIncremental(true).optOutputFormat(DataFormat.DELTA).build());
    assertThat(second.skippedDone()).isEqualTo(8);
    assertThat(second.added()).isEqualTo(5);
    assertThat(second.changed()).isEqualTo(1);
    assertThat(second.retried()).isEqualTo(1);
    assertThat(second.results()).isEqualTo(7);

    // A plain run: Delta in, Delta out (the input's format, detected).
    Path cleanOutput = work.resolve("clean");
    JobSummary clean = run(table(day2, cleanOutput).build());
    assertThat(clean.inputFormat()).isEqualTo("delta");
    assertThat(clean.outputFormat()).isEqualTo("delta");
    JobOutput cleanJob = JobOutput.at(cleanOutput.toString(), new Configuration());
    assertThat(cleanJob.currentFormat()).isEqualTo(DataFormat.DELTA);
    assertThatThrownBy(() -> cleanJob.copyResultLines(new java.io.ByteArrayOutputStream()))
        .hasMessageContaining("delta files, not JSON lines");
    Map<String, JsonNode> merged = bySku(delta(results));
    Map<String, JsonNode> reference = bySku(delta(work.resolve("clean/results")));
    assertThat(merged.keySet()).isEqualTo(reference.keySet()).hasSize(15);
    for (String sku : reference.keySet()) {
      assertThat(merged.get(sku).get("status").asText()).as(sku).isEqualTo("ok");
      assertThat(merged.get(sku).get("input_hash")).isEqualTo(reference.get(sku).get("input_hash"));
      float[] got = vector(merged.get(sku));
      float[] want = vector(reference.get(sku));
      for (int i = 0; i < want.length; i++) {
        assertThat(got[i]).as(sku + "[" + i + "]").isCloseTo(want[i], within(1e-5f));
      }
    }
    assertThat(clean.ok()).isEqualTo(15);

    // History and time travel come from Delta: night 1 is version 0, night 2's MERGE version 1.
    assertThat(DeltaTable.forPath(spark.session(), results.toString()).history().count())
        .isEqualTo(2);
    Map<String, JsonNode> nightOne =
        bySku(
            spark
                .session()
                .read()
                .format("delta")
                .option("versionAsOf", 0)
                .load(results.toString()));
    assertThat(nightOne).hasSize(10);
    assertThat(nightOne.get("p-7").get("text").asText()).contains("sturdy");
    assertThat(merged.get("p-7").get("text").asText()).contains("flimsy");

    // The same input again: nothing runs, the table gets no new version.
    JobSummary third =
        run(table(day2, output).optIncremental(true).optOutputFormat(DataFormat.DELTA).build());
    assertThat(third.results()).isZero();
    assertThat(third.skippedDone()).isEqualTo(15);
    assertThat(DeltaTable.forPath(spark.session(), results.toString()).history().count())
        .isEqualTo(2);
    assertThat(JobOutput.at(output.toString(), new Configuration()).summaries()).hasSize(3);
  }

  @Test
  void aNightThatFindsTheTableChangedSinceItStartedFailsCleanly() {
    Path output = work.resolve("raced");
    Path results = output.resolve("results");
    run(
        table(writeLines(work.resolve("a.jsonl"), product(0, "sturdy")), output)
            .optIncremental(true)
            .optOutputFormat(DataFormat.DELTA)
            .build());
    // A night that read the table at version 0 and is still running...
    RunVersions slowRuns = RunVersions.open(output.toString(), new Configuration());
    DeltaResults slow = new DeltaResults(spark.session(), results.toString(), "sku");
    slowRuns.next();
    // ...while another night merges first.
    run(
        table(writeLines(work.resolve("b.jsonl"), product(0, "sturdy"), product(1, "new")), output)
            .optIncremental(true)
            .optOutputFormat(DataFormat.DELTA)
            .build());
    Dataset<Row> staged = delta(results).limit(1);
    assertThatThrownBy(() -> slow.commit(staged, slowRuns))
        .isInstanceOf(RunVersions.ConcurrentRunException.class)
        .hasMessageContaining("another run committed")
        .hasMessageContaining("run again");
    assertThat(DeltaTable.forPath(spark.session(), results.toString()).history().count())
        .isEqualTo(2);
    assertThat(bySku(delta(results))).hasSize(2);
  }
}
