package co.backprop.frontdoor.http;

import co.backprop.store.JobRecord;
import co.backprop.contract.task.InvalidRequestException;
import co.backprop.contract.task.ItemResponses;
import co.backprop.contract.task.Json;
import co.backprop.contract.task.Task;
import co.backprop.contract.task.TaskBodyParser;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The seven task endpoints: the body is checked as the API documents it, queued as a one-line job
 * for the same pipeline as every job, and answered with the task's response when the job is done
 * within {@code syncWait}; otherwise 202 with where to find the job.
 */
public final class TaskController {
  private final JobQueue queue;
  private final Models models;
  private final Duration syncWait;

  public TaskController(JobQueue queue, Models models, Duration syncWait) {
    this.queue = queue;
    this.models = models;
    this.syncWait = syncWait;
  }

  public void handle(Context ctx, Task task) {
    String account = ApiKeys.account(ctx);
    JsonNode body = Bodies.json(ctx);
    try {
      TaskBodyParser.parse(task, body).requireAllValid();
    } catch (InvalidRequestException e) {
      throw ApiException.badRequest(e.getMessage());
    }
    String model = body.path("model").isTextual() ? body.get("model").asText() : null;
    models.requireCallable(account, task, model);
    String id = JobQueue.newId();
    String line =
        Json.MAPPER.createObjectNode().put("id", id).put("account", account).put("task", task.apiName()).set("body", body).toString();
    JobRecord job =
        queue.enqueueLines(id, account, "task", Map.of("task_endpoint", task.apiName()), List.of(line), null, ctx.header("Idempotency-Key"));
    Optional<JobRecord> finished = queue.awaitFinished(job.id(), syncWait);
    if (finished.isEmpty()) {
      ctx.header("Location", "/jobs/" + job.id());
      Bodies.send(ctx, 202, Json.MAPPER.createObjectNode().put("job_id", job.id()).put("status", job.status()));
      return;
    }
    answer(ctx, finished.get());
  }

  private static void answer(Context ctx, JobRecord job) {
    switch (job.status()) {
      case JobRecord.SUCCEEDED -> {
        JsonNode response = response(job);
        if (response.path("status").asText().equals("ok")) {
          Bodies.send(ctx, 200, response.get("response"));
        } else {
          Bodies.error(ctx, 400, response.path("error").asText());
        }
      }
      case JobRecord.CANCELLED -> Bodies.error(ctx, 409, "the request was cancelled: " + job.message());
      default -> Bodies.error(ctx, 500, "the request failed: " + job.message());
    }
  }

  /** The response of a task job's one request line, from its items' result lines. */
  private static JsonNode response(JobRecord job) {
    List<String> items = new java.util.ArrayList<>();
    for (Path part : JobQueue.parts(job.output(), "results")) {
      try {
        Files.readAllLines(part).stream().filter(line -> !line.isBlank()).forEach(items::add);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + part, e);
      }
    }
    if (items.isEmpty()) {
      throw new IllegalStateException("job " + job.id() + " succeeded but wrote no results in " + job.output());
    }
    try {
      return Json.MAPPER.readTree(ItemResponses.assemble(items));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
