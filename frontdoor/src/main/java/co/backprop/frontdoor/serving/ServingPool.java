package co.backprop.frontdoor.serving;

import co.backprop.contract.serving.ServingAnswer;
import co.backprop.contract.serving.ServingCall;
import co.backprop.contract.serving.ServingWire;
import co.backprop.contract.task.Json;
import co.backprop.contract.task.Task;
import co.backprop.store.ServingRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving processes this front door spreads task calls over: the live ones the store lists,
 * refreshed every second, taken in turn. A process that does not answer is left alone for a while;
 * a busy one passes the call to the next. When none can take a call, the caller queues it as a job.
 */
public final class ServingPool implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServingPool.class);
  private static final Duration FRESH = Duration.ofSeconds(10);
  private static final Duration REST_AFTER_FAILURE = Duration.ofSeconds(5);

  private final ServingRegistry registry;
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(1))
          .build();
  private final ScheduledExecutorService refresher;
  private final Map<String, Long> restingUntil = new ConcurrentHashMap<>();
  private final AtomicInteger turn = new AtomicInteger();
  private volatile List<ServingRegistry.Process> live = List.of();

  public ServingPool(ServingRegistry registry) {
    this.registry = registry;
    this.refresher =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "backprop-serving-pool");
              thread.setDaemon(true);
              return thread;
            });
    refresh();
    refresher.scheduleWithFixedDelay(this::refresh, 1, 1, TimeUnit.SECONDS);
  }

  private void refresh() {
    try {
      live = registry.live(FRESH);
    } catch (RuntimeException e) {
      LOG.warn("cannot read the serving processes from the store: {}", e.getMessage());
    }
  }

  /**
   * Whether a serving process announced itself lately (and is ready: they announce once warmed up).
   */
  public boolean anyLive() {
    return !live.isEmpty();
  }

  /** Waits until a serving process is live, or the time is up. */
  public boolean awaitLive(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      refresh();
      if (anyLive()) {
        return true;
      }
      Thread.sleep(250);
    }
    return false;
  }

  /**
   * The answer of the first serving process that takes the call, in turn; empty when none could
   * (none live, all busy or unreachable).
   */
  public Optional<ServingAnswer> call(ServingCall call) {
    List<ServingRegistry.Process> processes = live;
    int start = Math.floorMod(turn.getAndIncrement(), Math.max(1, processes.size()));
    long now = System.currentTimeMillis();
    for (int i = 0; i < processes.size(); i++) {
      ServingRegistry.Process process = processes.get((start + i) % processes.size());
      if (restingUntil.getOrDefault(process.id(), 0L) > now) {
        continue;
      }
      Optional<ServingAnswer> answer = send(process, call);
      if (answer.isPresent() && answer.get().status() != ServingAnswer.Status.BUSY) {
        return answer;
      }
    }
    return Optional.empty();
  }

  private Optional<ServingAnswer> send(ServingRegistry.Process process, ServingCall call) {
    try {
      long wait = Math.max(1, call.deadlineMillis() - System.currentTimeMillis());
      HttpResponse<byte[]> response =
          client.send(
              HttpRequest.newBuilder(URI.create(process.url() + "/call"))
                  .timeout(Duration.ofMillis(wait + 30_000)) // a call that started runs to its end
                  .header("Content-Type", "application/json")
                  .header(ServingWire.SECRET, process.secret())
                  .POST(HttpRequest.BodyPublishers.ofByteArray(Json.MAPPER.writeValueAsBytes(call)))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() != 200) {
        throw new IOException("answered " + response.statusCode());
      }
      return Optional.of(
          ServingWire.read(
              name -> response.headers().firstValue(name).orElse(null), response.body()));
    } catch (IOException | IllegalArgumentException e) {
      LOG.warn(
          "serving process {} at {} did not answer ({}); resting it",
          process.id(),
          process.url(),
          e.toString());
      restingUntil.put(process.id(), System.currentTimeMillis() + REST_AFTER_FAILURE.toMillis());
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /**
   * Sends a few unbilled calls to every live process, so this JVM's client, and the process's
   * server, have run once before a client's first call does.
   */
  public void warmUp(Task task, JsonNode body) {
    for (ServingRegistry.Process process : live) {
      for (int i = 0; i < 5; i++) {
        send(process, new ServingCall("", task, body, null, System.currentTimeMillis() + 30_000));
      }
    }
  }

  @Override
  public void close() {
    refresher.shutdownNow();
  }
}
