package co.backprop.contract.job;

import static java.util.Objects.requireNonNull;

import co.backprop.contract.task.Task;
import co.backprop.contract.task.TaskBodyParser;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Pattern;

/**
 * What a queued job is asked to do: the one message the front door writes, the store keeps and a
 * worker runs. Each kind checks itself when it is built, so a spec that exists can run. Stored as
 * JSON through {@link JobSpecJson}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
  @JsonSubTypes.Type(value = JobSpec.TaskCall.class, name = "task"),
  @JsonSubTypes.Type(value = JobSpec.Batch.class, name = "batch"),
  @JsonSubTypes.Type(value = JobSpec.ModelBuild.class, name = "build")
})
public sealed interface JobSpec {
  /** The kind as the API's job views name it. */
  enum Kind {
    TASK,
    BATCH,
    BUILD;

    public String apiName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  @JsonIgnore
  Kind kind();

  /**
   * One call of a task endpoint that became a job: the worker runs it as a one-line request file
   * and the front door answers the call from its result.
   *
   * @param body the API body, checked against the task's schema
   * @param output the folder the result goes to
   */
  record TaskCall(Task task, JsonNode body, String output) implements JobSpec {
    public TaskCall {
      requireNonNull(task, "task is null");
      requireNonNull(body, "body is null");
      TaskBodyParser.parse(task, body).requireAllValid();
      requireLocation(output, JobField.OUTPUT);
    }

    /** The body's model, or null for the task's default. */
    public String model() {
      JsonNode model = body.get("model");
      return model != null && model.isTextual() ? model.asText() : null;
    }

    @Override
    public Kind kind() {
      return Kind.TASK;
    }
  }

  /**
   * A batch job over an input: a request file (lines of any task) or a table to enrich.
   *
   * @param input a file or folder (local path or object-store URI)
   * @param output the folder results, usage and the summary go to
   * @param format the input's format, or null to tell it from the input's name
   * @param outputFormat the results' format, or null for the input's (JSON lines for CSV)
   * @param table how table rows become requests, or null for a request file
   * @param responses also write each request line's API response (request files only)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Batch(
      String input,
      String output,
      DataFormat format,
      DataFormat outputFormat,
      TableSpec table,
      boolean responses)
      implements JobSpec {
    public Batch {
      requireLocation(input, JobField.INPUT);
      requireLocation(output, JobField.OUTPUT);
      if (outputFormat == DataFormat.CSV) {
        throw new InvalidJobException(
            JobField.OUTPUT_FORMAT,
            "results cannot be written as csv (vectors and probabilities do not fit in it); use"
                + " jsonl or parquet");
      }
      if (table == null && format != null && format != DataFormat.JSONL) {
        throw new InvalidJobException(
            JobField.FORMAT,
            "a request file is JSON lines (id, account, task, model, body); to enrich a "
                + format.apiName()
                + " table name the {task} and {map} its fields to columns");
      }
      if (table != null && responses) {
        throw new InvalidJobException(
            JobField.TASK,
            "responses reassemble the bodies of a request file; table rows are their own"
                + " responses");
      }
    }

    /** Table enrichment (a task for every row) rather than a request file. */
    public boolean tableMode() {
      return table != null;
    }

    @Override
    public Kind kind() {
      return Kind.BATCH;
    }
  }

  /**
   * The build of a model an account uploaded: load it and answer one test request per task.
   *
   * @param model the uploaded model's name
   */
  record ModelBuild(String model) implements JobSpec {
    private static final Pattern NAME = Pattern.compile("[a-z0-9_-]{3,100}");

    public ModelBuild {
      if (model == null || !NAME.matcher(model).matches()) {
        throw new InvalidJobException(
            JobField.MODEL,
            "an uploaded model's name is 3-100 characters of a-z, 0-9, - and _; got '"
                + model
                + "'");
      }
    }

    @Override
    public Kind kind() {
      return Kind.BUILD;
    }
  }

  private static void requireLocation(String location, JobField field) {
    if (location == null || location.isBlank()) {
      throw new InvalidJobException(field, "is required");
    }
  }
}
