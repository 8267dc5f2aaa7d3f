package co.backprop.contract.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.backprop.contract.task.InvalidRequestException;
import co.backprop.contract.task.Json;
import co.backprop.contract.task.Task;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobSpecTest {
  private static final ObjectNode BODY = Json.MAPPER.createObjectNode().put("text", "hello");

  @Test
  void everyKindComesBackFromItsJsonAsItWas() {
    TableSpec table =
        new TableSpec(
            Task.TEXT_CLASSIFICATION,
            "english",
            Map.of("text", "title"),
            Map.of("labels", Json.MAPPER.createArrayNode().add("a").add("b")),
            "sku");
    JobSpec[] specs = {
      new JobSpec.TaskCall(Task.TEXT_VECTORISATION, BODY, "jobs/job_1"),
      new JobSpec.Batch("in.parquet", "out", DataFormat.PARQUET, DataFormat.JSONL, table, false),
      new JobSpec.Batch("requests.jsonl", "out", null, null, null, true),
      new JobSpec.ModelBuild("moods"),
    };
    for (JobSpec spec : specs) {
      String json = JobSpecJson.write(spec);
      assertThat(json)
          .startsWith("{\"version\":1,\"spec\":{\"kind\":\"" + spec.kind().apiName() + "\"");
      assertThat(JobSpecJson.read(json)).isEqualTo(spec);
    }
  }

  @Test
  void aNewerVersionOrADamagedSpecIsRefused() {
    assertThatThrownBy(
            () ->
                JobSpecJson.read(
                    "{\"version\": 2, \"spec\": {\"kind\": \"build\", \"model\": \"moods\"}}"))
        .hasMessage("a stored job spec has version 2, newer than this program's 1: upgrade it");
    assertThatThrownBy(
            () -> JobSpecJson.read("{\"version\": 1, \"spec\": {\"kind\": \"teleport\"}}"))
        .hasMessageStartingWith("a stored job spec is not valid");
    // Rebuilding runs the checks again: a stored spec that became invalid is not run.
    assertThatThrownBy(
            () ->
                JobSpecJson.read(
                    "{\"version\": 1, \"spec\": {\"kind\": \"build\", \"model\": \"A B\"}}"))
        .hasMessageContaining("an uploaded model's name is 3-100 characters");
  }

  @Test
  void aSpecThatCannotRunIsRefusedWhenBuiltNamingTheFieldAsItsOriginSpellsIt() {
    InvalidJobException noField =
        catchInvalid(() -> new TableSpec(Task.QA, null, Map.of("text", "title"), Map.of(), "id"));
    assertThat(noField.message(JobField.Origin.API))
        .isEqualTo("map: qa has no field 'text'; its fields are question, context, prev_q, prev_a");
    assertThat(noField.message(JobField.Origin.CLI))
        .isEqualTo(
            "--map: qa has no field 'text'; its fields are question, context, prev_q, prev_a");
    assertThat(noField.getMessage()).isEqualTo(noField.message(JobField.Origin.API));

    InvalidJobException csv =
        catchInvalid(
            () -> new JobSpec.Batch("in.csv", "out", DataFormat.CSV, DataFormat.CSV, null, false));
    assertThat(csv.field()).isEqualTo(JobField.OUTPUT_FORMAT);
    InvalidJobException table =
        catchInvalid(
            () -> new JobSpec.Batch("in.parquet", "out", DataFormat.PARQUET, null, null, false));
    assertThat(table.message(JobField.Origin.CLI))
        .isEqualTo(
            "--format: a request file is JSON lines (id, account, task, model, body); to enrich a"
                + " parquet table name the --task and --map its fields to columns");
    assertThat(table.message(JobField.Origin.API))
        .endsWith("name the task and map its fields to columns");
    assertThat(
            catchInvalid(() -> new JobSpec.Batch(" ", "out", null, null, null, false)).getMessage())
        .isEqualTo("input: is required");
  }

  @Test
  void aTaskCallHoldsOnlyABodyItsTaskAccepts() {
    assertThatThrownBy(() -> new JobSpec.TaskCall(Task.TEXT_CLASSIFICATION, BODY, "jobs/job_2"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("labels: must be a non-empty list of strings but got nothing");
    assertThat(
            new JobSpec.TaskCall(
                    Task.TEXT_VECTORISATION, BODY.deepCopy().put("model", "multilingual"), "j")
                .model())
        .isEqualTo("multilingual");
  }

  private static InvalidJobException catchInvalid(Runnable build) {
    try {
      build.run();
    } catch (InvalidJobException e) {
      return e;
    }
    throw new AssertionError("no InvalidJobException");
  }
}
