package co.backprop.frontdoor.http;

import co.backprop.contract.job.Job;
import co.backprop.contract.job.JobSpec;
import co.backprop.contract.model.UserModel;
import co.backprop.contract.serving.ServingAnswer;
import co.backprop.contract.serving.ServingCall;
import co.backprop.contract.task.ItemResponses;
import co.backprop.contract.task.Json;
import co.backprop.contract.task.Task;
import co.backprop.contract.usage.MonthlyLimit;
import co.backprop.contract.usage.UsageRow;
import co.backprop.frontdoor.serving.ServingPool;
import co.backprop.frontdoor.tenancy.Quotas;
import co.backprop.frontdoor.usage.UsageRecorder;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The seven task endpoints. The body is checked as the API documents it, then answered by a warm
 * serving process — the same runners and micro-batching as the Spark jobs, its compute billed
 * before the answer goes out. When no serving process can take the call (none up, all saturated, or
 * the call carries an Idempotency-Key, which only the durable queue honours) it becomes a queued
 * job for a worker, answered within {@code syncWait} or 202 with where to find it.
 */
public final class TaskController {
  /** How much compute a call was billed, in milliseconds: what its usage sums. */
  public static final String COMPUTE_HEADER = "Backprop-Compute-Ms";

  private final JobQueue queue;
  private final JobWaiter waiter;
  private final Models models;
  private final Results results;
  private final Quotas quotas;
  private final ServingPool serving;
  private final UsageRecorder usage;
  private final Clock clock;
  private final Duration syncWait;

  public TaskController(
      JobQueue queue,
      JobWaiter waiter,
      Models models,
      Results results,
      Quotas quotas,
      ServingPool serving,
      UsageRecorder usage,
      Clock clock,
      Duration syncWait) {
    this.queue = queue;
    this.waiter = waiter;
    this.models = models;
    this.results = results;
    this.quotas = quotas;
    this.serving = serving;
    this.usage = usage;
    this.clock = clock;
    this.syncWait = syncWait;
  }

  public void handle(Context ctx, Task task) {
    String account = ApiKeys.account(ctx);
    String id = JobQueue.newId();
    // The body first: a bad body is a 400 naming its field whatever the account's standing.
    JobSpec.TaskCall call =
        new JobSpec.TaskCall(task, Bodies.json(ctx), queue.folder(account, id).toString());
    String idempotencyKey = IdempotencyKeys.of(ctx);
    quotas.requireRoom(account);
    String upload =
        models.requireCallable(account, task, call.model()).map(UserModel::path).orElse(null);
    long deadline = System.currentTimeMillis() + syncWait.toMillis();
    if (idempotencyKey == null) {
      Optional<ServingAnswer> answer =
          serving.call(new ServingCall(account, task, call.body(), upload, deadline));
      if (answer.isPresent()) {
        answerServed(ctx, account, task, answer.get());
        return;
      }
    }
    Job job =
        queue.enqueue(
            id, account, call, idempotencyKey, "POST /" + task.apiName() + " " + call.body());
    long left = Math.max(0, deadline - System.currentTimeMillis());
    ctx.future(
        () ->
            waiter
                .finished(job.id(), Duration.ofMillis(left))
                .thenAccept(
                    finished -> {
                      if (finished.isEmpty()) {
                        ctx.header("Location", "/jobs/" + job.id());
                        Bodies.send(
                            ctx,
                            202,
                            Json.MAPPER
                                .createObjectNode()
                                .put("job_id", job.id())
                                .put("status", job.status().apiName()));
                      } else {
                        answerQueued(ctx, finished.get());
                      }
                    }));
  }

  /** A serving process's answer: billed (and committed) before it goes out. */
  private void answerServed(Context ctx, String account, Task task, ServingAnswer answer) {
    switch (answer.status()) {
      case OK, ERROR -> {
        bill(account, task, answer);
        ctx.header(COMPUTE_HEADER, String.format(Locale.ROOT, "%.3f", answer.computeMs()));
        if (answer.status() == ServingAnswer.Status.OK) {
          ctx.status(200).contentType("application/json").result(answer.response());
        } else {
          Bodies.error(ctx, 400, answer.error());
        }
      }
      case UNAVAILABLE -> Bodies.error(ctx, 503, answer.error());
      default -> throw new IllegalStateException("a busy answer is not an answer");
    }
  }

  private void bill(String account, Task task, ServingAnswer answer) {
    if (answer.items() == 0) {
      return;
    }
    String period = MonthlyLimit.period(clock.instant());
    double seconds = answer.computeMs() / 1000;
    usage
        .record(
            List.of(
                new UsageRow(
                    account, period, task.apiName(), answer.model(), answer.items(), seconds)))
        .join();
    quotas.charged(account, period, seconds);
  }

  private void answerQueued(Context ctx, Job job) {
    switch (job.status()) {
      case SUCCEEDED -> {
        JsonNode response = response(job);
        ctx.header(
            COMPUTE_HEADER,
            String.format(Locale.ROOT, "%.3f", response.path("compute_ms").asDouble()));
        if (response.path("status").asText().equals("ok")) {
          Bodies.send(ctx, 200, response.get("response"));
        } else {
          Bodies.error(ctx, 400, response.path("error").asText());
        }
      }
      case CANCELLED -> Bodies.error(ctx, 409, "the request was cancelled: " + job.message());
      default -> Bodies.error(ctx, failedStatus(job), "the request failed: " + job.message());
    }
  }

  /**
   * A failed call's status, as the serving path would have answered it: 503 for a model that went
   * missing after the call was cleared (worth a retry), 400 for the request, else 500.
   */
  private static int failedStatus(Job job) {
    return switch (job.failure()) {
      case MODEL_UNAVAILABLE -> 503;
      case REQUEST -> 400;
      case SERVER -> 500;
    };
  }

  /** The response of a task call's one request line, from its items' result lines. */
  private JsonNode response(Job job) {
    List<String> items = results.lines(job);
    if (items.isEmpty()) {
      throw new IllegalStateException("job " + job.id() + " succeeded but wrote no results");
    }
    try {
      return Json.MAPPER.readTree(ItemResponses.assemble(items));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
