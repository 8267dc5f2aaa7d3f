package co.backprop.frontdoor.http;

import co.backprop.contract.account.Account;
import co.backprop.contract.job.DataFormat;
import co.backprop.contract.job.Job;
import co.backprop.contract.job.JobSpec;
import co.backprop.contract.job.JobStatus;
import co.backprop.contract.job.TableSpec;
import co.backprop.contract.task.Json;
import co.backprop.contract.task.Task;
import co.backprop.frontdoor.tenancy.AccountFiles;
import co.backprop.frontdoor.tenancy.Quotas;
import co.backprop.store.Store;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * /jobs: submit a job over an input (or inline request lines), watch it, read its results, cancel
 * it.
 */
public final class JobController {
  private static final Set<String> FIELDS =
      new TreeSet<>(
          Set.of(
              "task",
              "model",
              "input",
              "requests",
              "output",
              "format",
              "output_format",
              "map",
              "set",
              "id_col"));

  private final Store store;
  private final JobQueue queue;
  private final Models models;
  private final Results results;
  private final AccountFiles files;
  private final Quotas quotas;
  private final JobWaiter waiter;
  private final JobReports reports;

  public JobController(
      Store store,
      JobQueue queue,
      JobWaiter waiter,
      Models models,
      Results results,
      AccountFiles files,
      Quotas quotas) {
    this.store = store;
    this.waiter = waiter;
    this.queue = queue;
    this.models = models;
    this.results = results;
    this.reports = new JobReports(results);
    this.files = files;
    this.quotas = quotas;
  }

  /**
   * Parses the body into a typed batch spec (400 naming the field otherwise), writes inline
   * requests, queues it.
   */
  public void submit(Context ctx) {
    String account = ApiKeys.account(ctx);
    JsonNode body = Bodies.json(ctx);
    if (!body.isObject()) {
      throw ApiException.badRequest(
          "body: must be a JSON object {task, model, input or requests, output}");
    }
    body.fieldNames()
        .forEachRemaining(
            field -> {
              if (!FIELDS.contains(field)) {
                throw ApiException.badRequest(
                    field + ": is not a field of a job; fields: " + String.join(", ", FIELDS));
              }
            });
    String idempotencyKey = IdempotencyKeys.of(ctx);
    quotas.requireRoom(account);
    Account owner = ApiKeys.owner(ctx, store);
    String id = JobQueue.newId();
    Task task = task(body);
    TableSpec table =
        TableSpec.orNone(
            task,
            text(body, "model"),
            strings(body, "map"),
            values(body, "set"),
            text(body, "id_col"));
    if (table != null) {
      models.requireCallable(account, table.task(), table.model());
    }
    List<String> requests = requestLines(body);
    String inputLocation = text(body, "input");
    if ((requests == null) == (inputLocation == null)) {
      throw ApiException.badRequest(
          "input: give either input (a JSON-lines or Parquet file) or requests (inline request"
              + " lines)");
    }
    if (requests != null && table != null) {
      throw ApiException.badRequest(
          "requests: inline requests are request lines, which name their task; drop task");
    }
    String input =
        requests != null
            ? queue.folder(account, id).resolve("input.jsonl").toString()
            : files.readable(owner, "input", inputLocation);
    String output =
        body.hasNonNull("output")
            ? files.writable(owner, "output", text(body, "output"))
            : queue.defaultOutput(account, id);
    DataFormat outputFormat = format(body, "output_format");
    JobSpec.Batch spec =
        new JobSpec.Batch(
            input,
            output,
            format(body, "format"),
            outputFormat == null ? DataFormat.JSONL : outputFormat,
            table,
            table == null);
    if (requests != null) {
      queue.writeRequests(account, id, requests);
    }
    Job job = queue.enqueue(id, account, spec, idempotencyKey, "POST /jobs " + body);
    ctx.header("Location", "/jobs/" + job.id());
    Bodies.send(ctx, job.id().equals(id) ? 202 : 200, JobViews.view(job));
  }

  private static Task task(JsonNode body) {
    String name = text(body, "task");
    if (name == null) {
      return null;
    }
    try {
      return Task.fromApiName(name);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("task: " + e.getMessage());
    }
  }

  private static DataFormat format(JsonNode body, String field) {
    String name = text(body, field);
    try {
      return name == null ? null : DataFormat.fromName(name);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(field + ": " + e.getMessage());
    }
  }

  private static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw ApiException.badRequest(field + ": must be a string but got " + Json.describe(value));
    }
    return value.asText();
  }

  private static Map<String, String> strings(JsonNode body, String field) {
    Map<String, String> strings = new LinkedHashMap<>();
    values(body, field)
        .forEach(
            (key, value) -> {
              if (!value.isTextual()) {
                throw ApiException.badRequest(
                    field
                        + "."
                        + key
                        + ": must be a column name (a string) but got "
                        + Json.describe(value));
              }
              strings.put(key, value.asText());
            });
    return strings;
  }

  private static Map<String, JsonNode> values(JsonNode body, String field) {
    JsonNode object = body.get(field);
    Map<String, JsonNode> values = new LinkedHashMap<>();
    if (object == null || object.isNull()) {
      return values;
    }
    if (!object.isObject()) {
      throw ApiException.badRequest(field + ": must be an object but got " + Json.describe(object));
    }
    object.fields().forEachRemaining(entry -> values.put(entry.getKey(), entry.getValue()));
    return values;
  }

  private static List<String> requestLines(JsonNode body) {
    JsonNode requests = body.get("requests");
    if (requests == null || requests.isNull()) {
      return null;
    }
    if (!requests.isArray() || requests.isEmpty()) {
      throw ApiException.badRequest(
          "requests: must be a non-empty list of request lines {id, task, model, body}");
    }
    List<String> lines = new ArrayList<>();
    requests.forEach(line -> lines.add(line.toString()));
    return lines;
  }

  /**
   * A job; with {@code ?wait=SECONDS} (at most 60) the answer waits until the job has ended or the
   * time is up.
   */
  public void get(Context ctx) {
    Job job = owned(ctx);
    String wait = ctx.queryParam("wait");
    if (wait == null || job.finished()) {
      Bodies.send(ctx, 200, JobViews.view(job));
      return;
    }
    double seconds;
    try {
      seconds = Double.parseDouble(wait);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(
          "wait: must be a number of seconds (at most 60) but got '" + wait + "'");
    }
    if (!(seconds >= 0 && seconds <= 60)) {
      throw ApiException.badRequest("wait: must be 0 to 60 seconds but got " + wait);
    }
    ctx.future(
        () ->
            waiter
                .finished(job.id(), Duration.ofMillis((long) (seconds * 1000)))
                .thenAccept(
                    finished ->
                        Bodies.send(
                            ctx, 200, JobViews.view(finished.orElseGet(() -> owned(ctx))))));
  }

  /** GET /jobs: the account's newest jobs first, {@code ?limit=} 1 to 200 (default 50). */
  public void list(Context ctx) {
    String given = ctx.queryParam("limit");
    int limit = 50;
    if (given != null) {
      try {
        limit = Integer.parseInt(given);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > 200) {
        throw ApiException.badRequest("limit: must be 1 to 200 but got '" + given + "'");
      }
    }
    ObjectNode answer = Json.MAPPER.createObjectNode();
    ArrayNode list = answer.putArray("jobs");
    store.queue().jobsOf(ApiKeys.account(ctx), limit).forEach(job -> list.add(JobViews.view(job)));
    Bodies.send(ctx, 200, answer);
  }

  /** GET /jobs/{id}/report: the job page's summary, frequent errors and first error rows. */
  public void report(Context ctx) {
    Bodies.send(ctx, 200, reports.report(owned(ctx)));
  }

  public void cancel(Context ctx) {
    Job job =
        store
            .queue()
            .cancel(ctx.pathParam("id"), ApiKeys.account(ctx))
            .orElseThrow(() -> notFound(ctx));
    Bodies.send(ctx, 200, JobViews.view(job));
  }

  /**
   * The result lines of a finished job, streamed from wherever its output is (a local folder,
   * s3a://).
   */
  public void results(Context ctx) {
    Job job = owned(ctx);
    if (job.status() != JobStatus.SUCCEEDED) {
      throw new ApiException(
          409,
          "job "
              + job.id()
              + " is "
              + job.status().apiName()
              + ": results come when it has succeeded");
    }
    try {
      ctx.status(200).contentType("application/x-ndjson");
      results.copy(job, ctx.outputStream());
    } catch (IllegalStateException e) {
      throw new ApiException(409, "job " + job.id() + ": " + e.getMessage());
    }
  }

  private Job owned(Context ctx) {
    return store
        .queue()
        .job(ctx.pathParam("id"), ApiKeys.account(ctx))
        .orElseThrow(() -> notFound(ctx));
  }

  private static ApiException notFound(Context ctx) {
    return ApiException.notFound("job " + ctx.pathParam("id") + " not found");
  }
}
