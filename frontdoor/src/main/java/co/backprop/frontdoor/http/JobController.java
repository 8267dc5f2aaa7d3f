package co.backprop.frontdoor.http;

import co.backprop.contract.job.DataFormat;
import co.backprop.contract.job.Job;
import co.backprop.contract.job.JobSpec;
import co.backprop.contract.job.JobStatus;
import co.backprop.contract.job.TableSpec;
import co.backprop.contract.task.Json;
import co.backprop.contract.task.Task;
import co.backprop.store.Store;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
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
  private final List<Path> allowedRoots;

  public JobController(
      Store store, JobQueue queue, Models models, Results results, List<Path> allowedRoots) {
    this.store = store;
    this.queue = queue;
    this.models = models;
    this.results = results;
    this.allowedRoots = allowedRoots;
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
    String inputPath = text(body, "input");
    if ((requests == null) == (inputPath == null)) {
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
            ? queue.folder(id).resolve("input.jsonl").toString()
            : allowed("input", inputPath, true);
    String output =
        body.hasNonNull("output")
            ? allowed("output", text(body, "output"), false)
            : queue.defaultOutput(id);
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
      queue.writeRequests(id, requests);
    }
    Job job = queue.enqueue(id, account, spec, ctx.header("Idempotency-Key"));
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
   * Object storage, or a local path under one of the allowed folders (never the server's files).
   */
  private String allowed(String field, String location, boolean mustExist) {
    if (location.startsWith("s3a://")) {
      return location;
    }
    if (location.contains("://") && !location.startsWith("file://")) {
      throw ApiException.badRequest(
          field + ": only s3a:// and local paths are supported, not " + location);
    }
    Path path =
        Path.of(location.startsWith("file://") ? URI.create(location).getPath() : location)
            .toAbsolutePath()
            .normalize();
    if (allowedRoots.stream().noneMatch(path::startsWith)) {
      throw ApiException.badRequest(
          field + ": local paths must be under " + allowedRoots + "; got " + path);
    }
    if (mustExist && !Files.exists(path)) {
      throw ApiException.badRequest(field + ": " + path + " does not exist");
    }
    return path.toString();
  }

  public void get(Context ctx) {
    Bodies.send(ctx, 200, JobViews.view(owned(ctx)));
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
