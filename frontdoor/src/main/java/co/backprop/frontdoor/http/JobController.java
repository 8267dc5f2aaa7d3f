package co.backprop.frontdoor.http;

import co.backprop.store.JobRecord;
import co.backprop.store.JobStore;
import co.backprop.contract.task.Json;
import co.backprop.contract.task.Task;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** /jobs: submit a job over an input (or inline request lines), watch it, read its results, cancel it. */
public final class JobController {
  private static final Set<String> FIELDS =
      Set.of("task", "model", "input", "requests", "output", "format", "output_format", "map", "set", "id_col");

  private final JobStore store;
  private final JobQueue queue;
  private final Models models;
  private final List<Path> allowedRoots;

  public JobController(JobStore store, JobQueue queue, Models models, List<Path> allowedRoots) {
    this.store = store;
    this.queue = queue;
    this.models = models;
    this.allowedRoots = allowedRoots;
  }

  public void submit(Context ctx) {
    String account = ApiKeys.account(ctx);
    JsonNode body = Bodies.json(ctx);
    if (!body.isObject()) {
      throw ApiException.badRequest("body: must be a JSON object {task, model, input or requests, output}");
    }
    body.fieldNames().forEachRemaining(field -> {
      if (!FIELDS.contains(field)) {
        throw ApiException.badRequest(field + ": is not a field of a job; fields: " + String.join(", ", new java.util.TreeSet<>(FIELDS)));
      }
    });
    Map<String, Object> settings = new LinkedHashMap<>();
    Task task = null;
    if (body.hasNonNull("task")) {
      try {
        task = Task.fromApiName(body.get("task").asText());
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("task: " + e.getMessage());
      }
      settings.put("task", task.apiName());
      String model = body.hasNonNull("model") ? body.get("model").asText() : null;
      models.requireCallable(account, task, model);
      if (model != null) {
        settings.put("model", model);
      }
    } else if (body.hasNonNull("model") || body.hasNonNull("map") || body.hasNonNull("set") || body.hasNonNull("id_col")) {
      throw ApiException.badRequest("task: model, map, set and id_col describe table rows and need a task");
    }
    for (String field : new String[] {"format", "output_format", "id_col"}) {
      if (body.hasNonNull(field)) {
        settings.put(field, body.get(field).asText());
      }
    }
    for (String field : new String[] {"map", "set"}) {
      if (body.hasNonNull(field)) {
        if (!body.get(field).isObject()) {
          throw ApiException.badRequest(field + ": must be an object");
        }
        settings.put(field, body.get(field));
      }
    }
    String output = body.hasNonNull("output") ? allowed("output", body.get("output").asText(), false) : null;
    String id = JobQueue.newId();
    String idempotencyKey = ctx.header("Idempotency-Key");
    JobRecord job;
    if (body.hasNonNull("requests") == body.hasNonNull("input")) {
      throw ApiException.badRequest("input: give either input (a JSON-lines or Parquet file) or requests (inline request lines)");
    } else if (body.hasNonNull("requests")) {
      if (task != null) {
        throw ApiException.badRequest("requests: inline requests are request lines, which name their task; drop task");
      }
      job = queue.enqueueLines(id, account, "batch", settings, requestLines(body.get("requests")), output, idempotencyKey);
    } else {
      job = queue.enqueue(id, account, "batch", settings, allowed("input", body.get("input").asText(), true), output, idempotencyKey);
    }
    ctx.header("Location", "/jobs/" + job.id());
    Bodies.send(ctx, job.id().equals(id) ? 202 : 200, JobViews.view(job));
  }

  private static List<String> requestLines(JsonNode requests) {
    if (!requests.isArray() || requests.isEmpty()) {
      throw ApiException.badRequest("requests: must be a non-empty list of request lines {id, task, model, body}");
    }
    List<String> lines = new ArrayList<>();
    requests.forEach(line -> lines.add(line.toString()));
    return lines;
  }

  /** Object storage, or a local path under one of the allowed folders (never the server's files). */
  private String allowed(String field, String location, boolean mustExist) {
    if (location.startsWith("s3a://")) {
      return location;
    }
    if (location.contains("://") && !location.startsWith("file://")) {
      throw ApiException.badRequest(field + ": only s3a:// and local paths are supported, not " + location);
    }
    Path path = Path.of(location.startsWith("file://") ? java.net.URI.create(location).getPath() : location).toAbsolutePath().normalize();
    if (allowedRoots.stream().noneMatch(path::startsWith)) {
      throw ApiException.badRequest(field + ": local paths must be under " + allowedRoots + "; got " + path);
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
    JobRecord job = store.cancel(ctx.pathParam("id"), ApiKeys.account(ctx)).orElseThrow(() -> notFound(ctx));
    Bodies.send(ctx, 200, JobViews.view(job));
  }

  /** The result lines of a finished job, streamed from its part files. */
  public void results(Context ctx) throws IOException {
    JobRecord job = owned(ctx);
    if (!job.status().equals(JobRecord.SUCCEEDED)) {
      throw new ApiException(409, "job " + job.id() + " is " + job.status() + ": results come when it has succeeded");
    }
    List<Path> parts = JobQueue.parts(job.output(), "results");
    if (parts.isEmpty() || !parts.get(0).getFileName().toString().endsWith(".txt") && !parts.get(0).getFileName().toString().endsWith(".json")) {
      throw new ApiException(409, "job " + job.id() + " wrote its results as files at " + job.output() + "/results, not as JSON lines");
    }
    ctx.status(200).contentType("application/x-ndjson");
    OutputStream out = ctx.outputStream();
    for (Path part : parts) {
      try (InputStream in = Files.newInputStream(part)) {
        in.transferTo(out);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private JobRecord owned(Context ctx) {
    return store.job(ctx.pathParam("id"), ApiKeys.account(ctx)).orElseThrow(() -> notFound(ctx));
  }

  private static ApiException notFound(Context ctx) {
    return ApiException.notFound("job " + ctx.pathParam("id") + " not found");
  }
}
