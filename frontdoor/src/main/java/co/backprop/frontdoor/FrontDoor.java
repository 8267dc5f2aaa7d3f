package co.backprop.frontdoor;

import co.backprop.contract.job.InvalidJobException;
import co.backprop.contract.model.ModelException;
import co.backprop.contract.task.InvalidRequestException;
import co.backprop.contract.task.Json;
import co.backprop.contract.task.Task;
import co.backprop.frontdoor.console.ConsoleAssets;
import co.backprop.frontdoor.console.ConsoleSessions;
import co.backprop.frontdoor.http.ApiException;
import co.backprop.frontdoor.http.ApiKeys;
import co.backprop.frontdoor.http.JobController;
import co.backprop.frontdoor.http.JobQueue;
import co.backprop.frontdoor.http.JobWaiter;
import co.backprop.frontdoor.http.ModelController;
import co.backprop.frontdoor.http.Models;
import co.backprop.frontdoor.http.Results;
import co.backprop.frontdoor.http.SessionController;
import co.backprop.frontdoor.http.TaskController;
import co.backprop.frontdoor.http.UsageController;
import co.backprop.frontdoor.serving.ServingPool;
import co.backprop.frontdoor.tenancy.AccountFiles;
import co.backprop.frontdoor.tenancy.Quotas;
import co.backprop.frontdoor.tenancy.Refused;
import co.backprop.frontdoor.usage.UsageRecorder;
import co.backprop.store.CapReachedException;
import co.backprop.store.IdempotencyConflictException;
import co.backprop.store.Store;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST front door: the Backprop API's endpoints as queued jobs, /jobs, models and uploads,
 * usage. It never runs a model: jobs go to the store, workers (Spark drivers in other processes)
 * take them. This JVM has no Spark in it — Javalin 7 and Spark 4 need different servlet APIs. Every
 * answer is written for the client: no stack trace, class name or server path in any.
 */
public final class FrontDoor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FrontDoor.class);

  /** Every route, as registered: the OpenAPI test checks each is documented. */
  public static final List<String> ROUTES =
      List.of(
          "POST /text-vectorisation",
          "POST /qa",
          "POST /text-classification",
          "POST /image-classification",
          "POST /text-generation",
          "POST /summarisation",
          "POST /emotion",
          "POST /jobs",
          "GET /jobs",
          "GET /jobs/{id}",
          "GET /jobs/{id}/results",
          "GET /jobs/{id}/report",
          "DELETE /jobs/{id}",
          "GET /models",
          "GET /models/{model}",
          "GET /models/{model}/files/{file}",
          "DELETE /models/{model}",
          "POST /upload-url",
          "PUT /uploads/{token}",
          "GET /usage",
          "GET /health",
          "GET /openapi.json",
          "GET /console",
          "GET /console/{file}",
          "POST /console/session",
          "GET /console/session",
          "DELETE /console/session");

  /** How long a console sign-in lasts, and how many this front door holds at most. */
  private static final Duration CONSOLE_SESSION = Duration.ofHours(8);

  private static final int MAX_CONSOLE_SESSIONS = 10_000;

  private final Javalin server;
  private final List<AutoCloseable> parts;
  private final Store store;

  private FrontDoor(Javalin server, List<AutoCloseable> parts, Store store) {
    this.server = server;
    this.parts = parts;
    this.store = store;
  }

  public static FrontDoor start(FrontDoorConfig config) {
    Store store = Store.open(config.storeUrl(), config.clock());
    List<AutoCloseable> parts = new ArrayList<>();
    Models models = new Models(store.models(), config.models());
    JobQueue queue = new JobQueue(store, config.jobs(), config.maxQueuedJobs());
    JobWaiter waiter = new JobWaiter(store.queue(), Duration.ofMillis(100));
    ServingPool serving = new ServingPool(store.serving());
    UsageRecorder recorder = new UsageRecorder(store.ledger());
    parts.addAll(List.of(waiter, serving, recorder));
    Results results = new Results(config.hadoopSettings());
    Quotas quotas =
        new Quotas(store.accounts(), store.ledger(), config.clock(), Duration.ofSeconds(2));
    ConsoleSessions sessions =
        new ConsoleSessions(config.clock(), CONSOLE_SESSION, MAX_CONSOLE_SESSIONS);
    ApiKeys keys = new ApiKeys(store.accounts(), sessions);
    SessionController signIns = new SessionController(store.accounts(), sessions);
    ConsoleAssets console = new ConsoleAssets();
    TaskController tasks =
        new TaskController(
            queue,
            waiter,
            models,
            results,
            quotas,
            serving,
            recorder,
            config.clock(),
            config.syncWait());
    JobController jobs =
        new JobController(
            store, queue, waiter, models, results, new AccountFiles(config.files()), quotas);
    ModelController modelRoutes =
        new ModelController(
            store.models(),
            models,
            queue,
            config.userModels(),
            config.uploads(),
            config.maxUploadBytes(),
            config.maxOpenUploads(),
            config.maxModels());
    UsageController usage = new UsageController(store.ledger(), quotas);
    String openApi = openApi();

    Javalin server =
        Javalin.create(
            app -> {
              app.http.maxRequestSize = config.maxBodyBytes();
              app.startup.showJavalinBanner = false;
              app.routes.before(keys::authenticate);
              for (Task task : Task.values()) {
                app.routes.post("/" + task.apiName(), ctx -> tasks.handle(ctx, task));
              }
              app.routes.post("/jobs", jobs::submit);
              app.routes.get("/jobs", jobs::list);
              app.routes.get("/jobs/{id}", jobs::get);
              app.routes.get("/jobs/{id}/results", jobs::results);
              app.routes.get("/jobs/{id}/report", jobs::report);
              app.routes.delete("/jobs/{id}", jobs::cancel);
              app.routes.get("/models", modelRoutes::list);
              app.routes.get("/models/{model}", modelRoutes::get);
              app.routes.get("/models/{model}/files/{file}", modelRoutes::file);
              app.routes.delete("/models/{model}", modelRoutes::delete);
              app.routes.post("/upload-url", modelRoutes::uploadUrl);
              app.routes.put("/uploads/{token}", modelRoutes::upload);
              app.routes.get("/usage", usage::get);
              app.routes.get(
                  "/health",
                  ctx -> json(ctx, 200, Json.MAPPER.createObjectNode().put("status", "ok")));
              app.routes.get(
                  "/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
              app.routes.get("/console", console::page);
              app.routes.post("/console/session", signIns::signIn);
              app.routes.get("/console/session", signIns::get);
              app.routes.delete("/console/session", signIns::signOut);
              app.routes.get(
                  "/console/{file}",
                  ctx -> {
                    if (!console.file(ctx)) {
                      message(ctx, 404, "not found");
                    }
                  });
              registerErrors(app);
            });
    server.start(config.host(), config.port());
    if (!config.workerCommand().isEmpty()) {
      parts.add(ChildProcess.start("worker", config.workerCommand(), config.logs()));
    }
    if (!config.servingCommand().isEmpty()) {
      parts.add(ChildProcess.start("serving", config.servingCommand(), config.logs()));
      awaitServing(serving, config);
    }
    return new FrontDoor(server, parts, store);
  }

  /** Ready means ready: the first call finds the models loaded and warm. */
  private static void awaitServing(ServingPool serving, FrontDoorConfig config) {
    try {
      if (serving.awaitLive(config.servingReadyTimeout())) {
        serving.warmUp(
            Task.TEXT_VECTORISATION, Json.MAPPER.createObjectNode().put("text", "warm up"));
      } else {
        LOG.warn(
            "no serving process became ready within {}: task calls go to the job queue until one"
                + " does (see {})",
            config.servingReadyTimeout(),
            config.logs().resolve("serving.log"));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * One mapper per kind of refusal; anything else is logged with a reference and answered without
   * its details.
   */
  private static void registerErrors(io.javalin.config.JavalinConfig app) {
    app.routes.exception(
        ApiException.class,
        (e, ctx) -> {
          if (e.bareString()) {
            ctx.status(e.status())
                .contentType("application/json")
                .result(Json.MAPPER.getNodeFactory().textNode(e.getMessage()).toString());
          } else {
            message(ctx, e.status(), e.getMessage());
          }
        });
    // The contract's own errors name the API field: they are the client's to fix.
    app.routes.exception(
        InvalidRequestException.class, (e, ctx) -> message(ctx, 400, e.getMessage()));
    app.routes.exception(InvalidJobException.class, (e, ctx) -> message(ctx, 400, e.getMessage()));
    app.routes.exception(
        Refused.class,
        (e, ctx) ->
            message(
                ctx,
                switch (e.reason()) {
                  case INVALID -> 400;
                  case FORBIDDEN -> 403;
                  case LIMIT -> 429;
                },
                e.getMessage()));
    app.routes.exception(CapReachedException.class, (e, ctx) -> message(ctx, 429, e.getMessage()));
    app.routes.exception(
        IdempotencyConflictException.class, (e, ctx) -> message(ctx, 409, e.getMessage()));
    app.routes.exception(
        HttpResponseException.class, (e, ctx) -> message(ctx, e.getStatus(), e.getMessage()));
    app.routes.exception(
        ModelException.class,
        (e, ctx) -> {
          String reference = reference(ctx, e);
          message(ctx, 503, "a model could not be used (reference " + reference + ")");
        });
    app.routes.exception(
        Exception.class,
        (e, ctx) -> {
          String reference = reference(ctx, e);
          message(
              ctx,
              500,
              "the front door failed on this request (reference "
                  + reference
                  + "); the operator's log has the details");
        });
  }

  private static String reference(Context ctx, Exception e) {
    String reference = "err_" + UUID.randomUUID().toString().substring(0, 8);
    LOG.error("{} {} failed (reference {})", ctx.method(), ctx.path(), reference, e);
    return reference;
  }

  private static String openApi() {
    try (InputStream in = FrontDoor.class.getResourceAsStream("/openapi.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("the OpenAPI document is missing from the jar", e);
    }
  }

  private static void message(Context ctx, int status, String message) {
    json(ctx, status, Json.MAPPER.createObjectNode().put("message", message));
  }

  private static void json(Context ctx, int status, com.fasterxml.jackson.databind.JsonNode body) {
    ctx.status(status).contentType("application/json").result(body.toString());
  }

  public int port() {
    return server.port();
  }

  public Store store() {
    return store;
  }

  @Override
  public void close() {
    server.stop();
    for (int i = parts.size() - 1; i >= 0; i--) {
      try {
        parts.get(i).close();
      } catch (Exception e) {
        LOG.warn("cannot stop {}: {}", parts.get(i), e.getMessage());
      }
    }
    store.close();
  }
}
