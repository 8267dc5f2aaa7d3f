package co.backprop.frontdoor;

import co.backprop.contract.job.InvalidJobException;
import co.backprop.contract.task.InvalidRequestException;
import co.backprop.contract.task.Json;
import co.backprop.contract.task.Task;
import co.backprop.frontdoor.http.ApiException;
import co.backprop.frontdoor.http.ApiKeys;
import co.backprop.frontdoor.http.JobController;
import co.backprop.frontdoor.http.JobQueue;
import co.backprop.frontdoor.http.ModelController;
import co.backprop.frontdoor.http.Models;
import co.backprop.frontdoor.http.Results;
import co.backprop.frontdoor.http.TaskController;
import co.backprop.frontdoor.http.UsageController;
import co.backprop.store.Store;
import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The REST front door: the Backprop API's endpoints as queued jobs, /jobs, models and uploads,
 * usage. It never runs a model: jobs go to the store, workers (Spark drivers in other processes)
 * take them. This JVM has no Spark in it — Javalin 7 and Spark 4 need different servlet APIs.
 */
public final class FrontDoor implements AutoCloseable {
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
          "GET /jobs/{id}",
          "GET /jobs/{id}/results",
          "DELETE /jobs/{id}",
          "GET /models",
          "GET /models/{model}",
          "DELETE /models/{model}",
          "POST /upload-url",
          "PUT /uploads/{token}",
          "GET /usage",
          "GET /openapi.json");

  private final Javalin server;
  private final WorkerProcess worker;
  private final Store store;

  private FrontDoor(Javalin server, WorkerProcess worker, Store store) {
    this.server = server;
    this.worker = worker;
    this.store = store;
  }

  public static FrontDoor start(FrontDoorConfig config) {
    Store store = Store.open(config.storeUrl());
    Models models = new Models(store.models(), config.models());
    JobQueue queue = new JobQueue(store, config.jobs());
    Results results = new Results(config.hadoopSettings());
    ApiKeys keys = new ApiKeys(store.accounts());
    TaskController tasks = new TaskController(queue, models, results, config.syncWait());
    JobController jobs = new JobController(store, queue, models, results, config.allowedRoots());
    ModelController modelRoutes =
        new ModelController(
            store.models(),
            models,
            queue,
            config.userModels(),
            config.uploads(),
            config.maxUploadBytes());
    UsageController usage = new UsageController(store.ledger());
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
              app.routes.get("/jobs/{id}", jobs::get);
              app.routes.get("/jobs/{id}/results", jobs::results);
              app.routes.delete("/jobs/{id}", jobs::cancel);
              app.routes.get("/models", modelRoutes::list);
              app.routes.get("/models/{model}", modelRoutes::get);
              app.routes.delete("/models/{model}", modelRoutes::delete);
              app.routes.post("/upload-url", modelRoutes::uploadUrl);
              app.routes.put("/uploads/{token}", modelRoutes::upload);
              app.routes.get("/usage", usage::get);
              app.routes.get(
                  "/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
              app.routes.exception(
                  ApiException.class,
                  (e, ctx) -> {
                    if (e.bareString()) {
                      ctx.status(e.status())
                          .contentType("application/json")
                          .result(Json.MAPPER.getNodeFactory().textNode(e.getMessage()).toString());
                    } else {
                      ctx.status(e.status())
                          .contentType("application/json")
                          .result(
                              Json.MAPPER
                                  .createObjectNode()
                                  .put("message", e.getMessage())
                                  .toString());
                    }
                  });
              // The contract's own errors name the API field: they are the client's to fix.
              app.routes.exception(
                  InvalidRequestException.class, (e, ctx) -> message(ctx, 400, e.getMessage()));
              app.routes.exception(
                  InvalidJobException.class, (e, ctx) -> message(ctx, 400, e.getMessage()));
              app.routes.exception(
                  HttpResponseException.class,
                  (e, ctx) ->
                      ctx.status(e.getStatus())
                          .contentType("application/json")
                          .result(
                              Json.MAPPER
                                  .createObjectNode()
                                  .put("message", e.getMessage())
                                  .toString()));
            });
    server.start(config.port());
    WorkerProcess worker =
        config.workerCommand().isEmpty()
            ? null
            : WorkerProcess.start(config.workerCommand(), config.data().resolve("logs"));
    return new FrontDoor(server, worker, store);
  }

  private static String openApi() {
    try (InputStream in = FrontDoor.class.getResourceAsStream("/openapi.json")) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("the OpenAPI document is missing from the jar", e);
    }
  }

  public int port() {
    return server.port();
  }

  private static void message(io.javalin.http.Context ctx, int status, String message) {
    ctx.status(status)
        .contentType("application/json")
        .result(Json.MAPPER.createObjectNode().put("message", message).toString());
  }

  public Store store() {
    return store;
  }

  @Override
  public void close() {
    server.stop();
    if (worker != null) {
      worker.close();
    }
    store.close();
  }
}
