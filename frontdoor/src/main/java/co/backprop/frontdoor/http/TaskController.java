package co.backprop.frontdoor.http;

import co.backprop.contract.job.Job;
import co.backprop.contract.job.JobSpec;
import co.backprop.contract.task.ItemResponses;
import co.backprop.contract.task.Json;
import co.backprop.contract.task.Task;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The seven task endpoints: the body is checked as the API documents it, queued as a task call for
 * the same pipeline as every job, and answered with the task's response when the job is done within
 * {@code syncWait}; otherwise 202 with where to find the job.
 */
public final class TaskController {
  private final JobQueue queue;
  private final Models models;
  private final Results results;
  private final Duration syncWait;

  public TaskController(JobQueue queue, Models models, Results results, Duration syncWait) {
    this.queue = queue;
    this.models = models;
    this.results = results;
    this.syncWait = syncWait;
  }

  public void handle(Context ctx, Task task) {
    String account = ApiKeys.account(ctx);
    String id = JobQueue.newId();
    JobSpec.TaskCall call =
        new JobSpec.TaskCall(task, Bodies.json(ctx), queue.folder(id).toString());
    models.requireCallable(account, task, call.model());
    Job job = queue.enqueue(id, account, call, ctx.header("Idempotency-Key"));
    Optional<Job> finished = queue.awaitFinished(job.id(), syncWait);
    if (finished.isEmpty()) {
      ctx.header("Location", "/jobs/" + job.id());
      Bodies.send(
          ctx,
          202,
          Json.MAPPER
              .createObjectNode()
              .put("job_id", job.id())
              .put("status", job.status().apiName()));
      return;
    }
    answer(ctx, finished.get());
  }

  private void answer(Context ctx, Job job) {
    switch (job.status()) {
      case SUCCEEDED -> {
        JsonNode response = response(job);
        if (response.path("status").asText().equals("ok")) {
          Bodies.send(ctx, 200, response.get("response"));
        } else {
          Bodies.error(ctx, 400, response.path("error").asText());
        }
      }
      case CANCELLED -> Bodies.error(ctx, 409, "the request was cancelled: " + job.message());
      default -> Bodies.error(ctx, 500, "the request failed: " + job.message());
    }
  }

  /** The response of a task call's one request line, from its items' result lines. */
  private JsonNode response(Job job) {
    List<String> items = results.lines(job);
    if (items.isEmpty()) {
      throw new IllegalStateException(
          "job " + job.id() + " succeeded but wrote no results in " + job.results());
    }
    try {
      return Json.MAPPER.readTree(ItemResponses.assemble(items));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
