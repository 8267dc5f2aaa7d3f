package co.backprop.serving;

import co.backprop.contract.model.ModelException;
import co.backprop.contract.model.ModelSpec;
import co.backprop.contract.serving.ServingAnswer;
import co.backprop.contract.serving.ServingCall;
import co.backprop.contract.serving.ServingWire;
import co.backprop.contract.task.BodyItem;
import co.backprop.contract.task.InvalidRequestException;
import co.backprop.contract.task.Json;
import co.backprop.contract.task.Task;
import co.backprop.contract.task.TaskBody;
import co.backprop.contract.task.TaskBodyParser;
import co.backprop.contract.task.TaskOutput;
import co.backprop.contract.task.TaskResponse;
import co.backprop.engines.pipeline.BatchPolicy;
import co.backprop.engines.pipeline.ItemResult;
import co.backprop.engines.pipeline.PendingItem;
import co.backprop.store.ServingRegistry;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A warm serving process: models stay loaded, task calls from front doors arrive over HTTP ({@code
 * POST /call} with a {@link ServingCall}, answered with a {@link ServingAnswer}) and are batched
 * with whatever else is waiting. It announces itself in the store every two seconds so the front
 * doors find it, and answers {@code GET /ready} once its preloaded models have run a first batch.
 * It answers only callers that show the secret it announced: reaching its port is not enough.
 */
public final class ServingServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServingServer.class);
  private static final Duration ANNOUNCE_EVERY = Duration.ofSeconds(2);

  private final HttpServer http;
  private final ExecutorService handlers;
  private final ScheduledExecutorService announcer;
  private final ServedModels models;
  private final CallBatcher batcher;
  private final ServingRegistry registry;
  private final String id;
  private final String url;
  private final byte[] secret;
  private volatile boolean ready;

  private ServingServer(
      HttpServer http,
      ExecutorService handlers,
      ServedModels models,
      CallBatcher batcher,
      ServingRegistry registry,
      String id,
      String url) {
    this.http = http;
    this.handlers = handlers;
    this.announcer =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "backprop-serving-announce");
              thread.setDaemon(true);
              return thread;
            });
    this.models = models;
    this.batcher = batcher;
    this.registry = registry;
    this.id = id;
    this.url = url;
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    this.secret = Base64.getUrlEncoder().withoutPadding().encode(random);
  }

  /** Settings of a serving process. */
  public record Settings(
      String host, int port, int runners, int queueCapacity, Duration gather, BatchPolicy policy) {}

  /** Starts listening; {@link #preload} then makes it ready and announced. */
  static ServingServer start(
      String id, Settings settings, ServedModels models, ServingRegistry registry) {
    // Headers and body go out as separate writes: without TCP_NODELAY, Nagle's algorithm and the
    // client's delayed ACK hold each answer back by tens of milliseconds.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    ExecutorService handlers =
        Executors.newFixedThreadPool(
            64,
            runnable -> {
              Thread thread = new Thread(runnable, "backprop-serving-http");
              thread.setDaemon(true);
              return thread;
            });
    try {
      HttpServer http =
          HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 256);
      CallBatcher batcher =
          new CallBatcher(
              models,
              settings.policy(),
              settings.runners(),
              settings.queueCapacity(),
              settings.gather());
      String url = "http://" + settings.host() + ":" + http.getAddress().getPort();
      ServingServer server = new ServingServer(http, handlers, models, batcher, registry, id, url);
      http.createContext("/call", server::call);
      http.createContext("/ready", server::ready);
      http.setExecutor(handlers);
      http.start();
      return server;
    } catch (IOException e) {
      handlers.shutdownNow();
      throw new UncheckedIOException(
          "cannot listen on " + settings.host() + ":" + settings.port(), e);
    }
  }

  public String url() {
    return url;
  }

  /**
   * Loads the models and runs one call through each (so the first real call is as fast as the
   * hundredth), then announces the process as ready.
   */
  void preload(List<String> qualifiedNames) {
    for (String name : qualifiedNames) {
      int slash = name.indexOf('/');
      Task task = Task.fromApiName(name.substring(0, slash));
      ServedModels.Resolved model = models.resolve("", task, name.substring(slash + 1), null);
      long start = System.nanoTime();
      models.load(model);
      warmUp(task, model);
      LOG.info(
          "serving {}: loaded and warmed up in {} ms",
          name,
          (System.nanoTime() - start) / 1_000_000);
    }
    ready = true;
    announce();
    announcer.scheduleAtFixedRate(
        this::announce,
        ANNOUNCE_EVERY.toMillis(),
        ANNOUNCE_EVERY.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * Runs calls of one and of sixteen texts through a model until the engine and the JIT have
   * settled: the first calls of a fresh process are several times slower than the hundredth.
   */
  private void warmUp(Task task, ServedModels.Resolved model) {
    if (task == Task.IMAGE_CLASSIFICATION) {
      return; // no text to warm an image model with; loading it is most of its first call
    }
    String text = "A first sentence to warm the model up, about a parcel that arrived late.";
    for (int round = 0; round < 12; round++) {
      int texts = round % 4 == 3 ? 16 : 1;
      var body = Json.MAPPER.createObjectNode().put("model", model.name());
      var list = Json.MAPPER.createArrayNode();
      for (int i = 0; i < texts; i++) {
        list.add(text.substring(0, 20 + (i * 7 + round) % (text.length() - 20)));
      }
      switch (task) {
        case QA -> {
          body.set("question", texts == 1 ? list.get(0) : list);
          body.set("context", texts == 1 ? list.get(0) : list);
        }
        case TEXT_CLASSIFICATION -> {
          body.set("text", texts == 1 ? list.get(0) : list);
          var labels = Json.MAPPER.createArrayNode().add("warm").add("cold");
          if (texts == 1) {
            body.set("labels", labels);
          } else {
            var perItem = body.putArray("labels");
            for (int i = 0; i < texts; i++) {
              perItem.add(labels);
            }
          }
        }
        case TEXT_GENERATION ->
            body.put("text", text.substring(0, 20)).put("max_length", 4).put("temperature", 0);
        default -> body.set("text", texts == 1 ? list.get(0) : list);
      }
      answer(new ServingCall("", task, body, null, System.currentTimeMillis() + 60_000), model);
    }
  }

  private void announce() {
    try {
      registry.announce(id, url, new String(secret, StandardCharsets.US_ASCII), models.loaded());
    } catch (RuntimeException e) {
      LOG.warn("cannot announce this serving process in the store: {}", e.getMessage());
    }
  }

  /** Whether the caller showed this process's secret; answers 403 when it did not. */
  private boolean admitted(HttpExchange exchange) throws IOException {
    String shown = exchange.getRequestHeaders().getFirst(ServingWire.SECRET);
    if (shown != null && MessageDigest.isEqual(secret, shown.getBytes(StandardCharsets.US_ASCII))) {
      return true;
    }
    send(exchange, 403, "text/plain; charset=utf-8", bytes("a front door of this store only"));
    return false;
  }

  private void ready(HttpExchange exchange) throws IOException {
    if (!admitted(exchange)) {
      return;
    }
    var body = Json.MAPPER.createObjectNode().put("ready", ready).put("waiting", batcher.waiting());
    body.putPOJO("models", models.loaded());
    send(exchange, ready ? 200 : 503, "application/json", bytes(body.toString()));
  }

  private void call(HttpExchange exchange) throws IOException {
    if (!admitted(exchange)) {
      return;
    }
    ServingAnswer answer;
    try (InputStream in = exchange.getRequestBody()) {
      ServingCall call = Json.MAPPER.readValue(in, ServingCall.class);
      ServedModels.Resolved model;
      try {
        model = models.resolve(call.account(), call.task(), modelName(call), call.upload());
        answer = answer(call, model);
      } catch (ModelException e) {
        answer = ServingAnswer.unavailable("model: " + e.getMessage());
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("a call could not be answered", e);
      answer = ServingAnswer.unavailable("the serving process could not answer this call");
    }
    ServingWire.headers(answer).forEach(exchange.getResponseHeaders()::set);
    send(
        exchange,
        200,
        answer.status() == ServingAnswer.Status.OK
            ? "application/json"
            : "text/plain; charset=utf-8",
        ServingWire.body(answer));
  }

  private static String modelName(ServingCall call) {
    var model = call.body().get("model");
    return model != null && model.isTextual() ? model.asText() : null;
  }

  /** Runs one call with whatever else is waiting, and answers it as the API would. */
  private ServingAnswer answer(ServingCall call, ServedModels.Resolved model) {
    TaskBody body;
    try {
      body = TaskBodyParser.parse(call.task(), call.body());
    } catch (InvalidRequestException e) {
      return ServingAnswer.error(e.getMessage(), model.name(), 0, 0);
    }
    try {
      models.load(model); // a model that cannot load fails this call alone, not its batch
    } catch (RuntimeException e) {
      LOG.warn("model {} could not be loaded", model.spec().qualifiedName(), e);
      return ServingAnswer.unavailable(
          "model: "
              + model.spec().qualifiedName()
              + " could not be loaded on this server; the operator's serving log has the details");
    }
    List<PendingItem> items = new ArrayList<>(body.items().size());
    for (BodyItem item : body.items()) {
      items.add(
          item.isValid()
              ? PendingItem.valid(call.task(), model.key(), item.request())
              : PendingItem.invalid(call.task(), model.key(), item.error().getMessage()));
    }
    CompletableFuture<List<ItemResult>> results = new CompletableFuture<>();
    if (!batcher.offer(new CallBatcher.Call(items, call.deadlineMillis(), results))) {
      return ServingAnswer.busy("the serving process has " + batcher.waiting() + " calls waiting");
    }
    try {
      long wait =
          Math.max(1, call.deadlineMillis() - System.currentTimeMillis())
              + 30_000; // a started batch finishes
      List<ItemResult> done = results.get(wait, TimeUnit.MILLISECONDS);
      return done == null
          ? ServingAnswer.busy("the serving process is stopping")
          : answer(call.task(), body.batch(), model, done);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof CallBatcher.Expired expired) {
        return expired.answer();
      }
      LOG.warn("a call failed in its batch", e.getCause());
      return ServingAnswer.unavailable("the call failed in the serving process");
    } catch (TimeoutException e) {
      return ServingAnswer.busy("the call did not finish in time");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ServingAnswer.busy("the serving process is stopping");
    }
  }

  /**
   * The API's answer from the items' results: 503 when the model could not be had (a call's items
   * share one model, so none ran), else the first error, or the response; ok items are billed.
   */
  static ServingAnswer answer(
      Task task, boolean batch, ServedModels.Resolved model, List<ItemResult> results) {
    for (ItemResult result : results) {
      if (result.failure() == ItemResult.Failure.MODEL_UNAVAILABLE) {
        return ServingAnswer.unavailable(result.error());
      }
    }
    double computeMs = 0;
    int computed = 0;
    String error = null;
    List<TaskOutput> outputs = new ArrayList<>(results.size());
    for (ItemResult result : results) {
      if (result.ok()) {
        // Rounded to the microsecond, as a job's result rows are: usage sums them.
        computeMs += Math.round(result.computeMs() * 1000) / 1000.0;
        computed++;
        outputs.add(result.output());
      } else if (error == null) {
        error = result.error();
      }
    }
    if (error != null) {
      return ServingAnswer.error(error, model.name(), computeMs, computed);
    }
    try {
      byte[] response =
          Json.MAPPER.writeValueAsBytes(new TaskResponse(task, batch, outputs).toJson());
      return new ServingAnswer(
          ServingAnswer.Status.OK, response, null, model.name(), computeMs, computed);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void send(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    try (exchange) {
      exchange.getResponseHeaders().set("Content-Type", contentType);
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** The catalog's models that ship inside the jar: loaded before the process says it is ready. */
  static List<String> bundledModels(ServedModels models) {
    return models.catalog().all().stream()
        .filter(spec -> spec.location().startsWith("classpath:"))
        .map(ModelSpec::qualifiedName)
        .toList();
  }

  @Override
  public void close() {
    ready = false;
    announcer.shutdownNow();
    try {
      registry.withdraw(id);
    } catch (RuntimeException e) {
      LOG.warn("cannot withdraw this serving process from the store: {}", e.getMessage());
    }
    http.stop(0);
    batcher.close();
    handlers.shutdownNow();
  }
}
