package co.backprop.jobs;

import static co.backprop.jobs.JobTestSupport.readJsonLines;
import static co.backprop.jobs.JobTestSupport.writeLines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.backprop.jobs.usage.UsageTally.Usage;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Request files: {id, account, task, model, body} per line, any task, single or batch bodies. */
class RequestFileJobTest {
  @RegisterExtension static final LocalSpark spark = new LocalSpark();

  @TempDir Path work;

  private JobSummary run(Path input, String output) {
    return new BatchJob(
            spark.session(),
            JobOptions.builder(input.toString(), work.resolve(output).toString())
                .optAccount("house")
                .build())
        .run();
  }

  @Test
  void everyItemOfEveryLineComesOutOnceWithItsIdIndexAndError() {
    Path input =
        writeLines(
            work.resolve("requests.jsonl"),
            "{\"id\": \"a\", \"account\": \"acme\", \"task\": \"text-vectorisation\", \"body\":"
                + " {\"text\": \"hello world\"}}",
            "{\"id\": \"b\", \"account\": \"zeta\", \"task\": \"text-vectorisation\", \"body\":"
                + " {\"text\": [\"one\", \"two\", \"\"], \"model\": \"english\"}}",
            "",
            "{\"id\": \"c\", \"task\": \"text-vectorisation\", \"model\": \"klingon\", \"body\":"
                + " {\"text\": \"x\"}}",
            "this is not json",
            "{\"id\": \"e\", \"task\": \"translate\", \"body\": {\"text\": \"x\"}}",
            "{\"task\": \"text-vectorisation\", \"body\": {\"text\": \"no id\"}}",
            "{\"id\": \"g\", \"task\": \"qa\", \"model\": \"squad-xl\", \"body\": {\"question\":"
                + " \"q\", \"context\": \"c\"}}",
            "{\"id\": 9, \"account\": \"acme\", \"task\": \"text-vectorisation\", \"body\":"
                + " {\"text\": \"numeric id\"}}",
            "{\"id\": \"k\", \"task\": \"text-vectorisation\", \"body\": {\"txt\": \"typo\"}}");

    JobSummary summary = run(input, "out");
    List<JsonNode> rows = readJsonLines(summary.resultsPath());

    assertThat(summary.rows()).isEqualTo(9); // blank lines are not requests
    assertThat(rows).hasSize(11);
    assertThat(rows)
        .extracting(r -> r.get("id").isNull() ? null : r.get("id").asText())
        .containsExactly("a", "b", "b", "b", "c", null, "e", null, "g", "9", "k");
    assertThat(rows)
        .extracting(r -> r.get("index").isNull() ? null : r.get("index").asInt())
        .containsExactly(null, 0, 1, 2, null, null, null, null, null, null, null);
    assertThat(rows)
        .extracting(r -> r.get("line").asLong())
        .containsExactly(1L, 2L, 2L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    assertThat(rows)
        .extracting(r -> r.get("status").asText())
        .containsExactly(
            "ok", "ok", "ok", "error", "error", "error", "error", "error", "error", "ok", "error");
    assertThat(rows)
        .extracting(r -> r.get("error").isNull() ? null : r.get("error").asText())
        .containsExactly(
            null,
            null,
            null,
            "text[2]: must not be empty",
            "model: unknown model 'klingon' for text-vectorisation; known models for"
                + " text-vectorisation: english, english-fast, multilingual",
            "line 4: not valid JSON: Unrecognized token 'this': was expecting (JSON String, Number,"
                + " Array, Object or token 'null', 'true' or 'false')",
            "task: unknown task 'translate'; known tasks: text-vectorisation, qa,"
                + " text-classification, image-classification, text-generation, summarisation,"
                + " emotion",
            "id: is required",
            "model: unknown model 'squad-xl' for qa; known models for qa: english",
            null,
            "txt: is not a field of this task; allowed fields: text, model");
    assertThat(rows)
        .extracting(r -> r.get("account").asText())
        .containsExactly(
            "acme", "zeta", "zeta", "zeta", "house", "house", "house", "house", "house", "acme",
            "house");
    assertThat(rows.get(0).get("vector")).hasSize(384);
    assertThat(rows.get(4).get("vector").isNull()).isTrue();

    assertThat(summary.usage())
        .extracting(Usage::account, Usage::task, Usage::model, Usage::requests)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("acme", "text-vectorisation", "english", 2L),
            org.assertj.core.groups.Tuple.tuple("zeta", "text-vectorisation", "english", 2L));
    double zetaMs =
        rows.subList(1, 4).stream().mapToDouble(r -> r.get("compute_ms").asDouble()).sum();
    assertThat(summary.usage().get(1).computeSeconds())
        .isPositive()
        .isCloseTo(zetaMs / 1000, org.assertj.core.api.Assertions.within(1e-9));
  }

  @Test
  void aRequestFileMustBeJsonLines() {
    Path csv = writeLines(work.resolve("requests.csv"), "id,task", "a,qa");
    assertThatThrownBy(() -> run(csv, "csv"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("format: a request file must be JSON lines");
  }
}
