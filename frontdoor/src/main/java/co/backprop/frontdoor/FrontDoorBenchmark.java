package co.backprop.frontdoor;

import co.backprop.store.Store;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Enqueue rate and latency of POST /jobs, and latency of small synchronous task calls, at a fixed
 * concurrency on loopback, with a worker running: a front door on a scratch data folder, real HTTP.
 * Not a test.
 */
public final class FrontDoorBenchmark {
  private final Path data;
  private final List<String> workerCommand;
  private final int concurrency;
  private final int jobs;
  private final int calls;

  public FrontDoorBenchmark(
      Path data, List<String> workerCommand, int concurrency, int jobs, int calls) {
    this.data = data;
    this.workerCommand = workerCommand;
    this.concurrency = concurrency;
    this.jobs = jobs;
    this.calls = calls;
  }

  public void run() throws Exception {
    Files.createDirectories(data);
    String key;
    try (Store store = Store.forDataFolder(data, null)) {
      key = store.accounts().create("bench" + System.nanoTime() % 100000);
    }
    FrontDoorConfig config =
        new FrontDoorConfig(
            data,
            null,
            0,
            Duration.ofMinutes(5),
            20 << 20,
            1 << 20,
            List.of(data.resolve("files")),
            workerCommand,
            Map.of());
    try (FrontDoor frontDoor = FrontDoor.start(config)) {
      String base = "http://127.0.0.1:" + frontDoor.port();
      HttpClient client = HttpClient.newHttpClient();
      System.out.printf(
          Locale.ROOT, "front door benchmark: concurrency %d, on %s%n", concurrency, base);
      // Warm-up: the worker starts its Spark driver and loads MiniLM on the first call.
      call(client, base + "/text-vectorisation", key, "{\"text\": \"warm up\"}");

      // Task calls first, on an empty queue: each waits for its own job only.
      report(
          "POST /text-vectorisation (answered)",
          measure(
              calls,
              () ->
                  call(
                      client,
                      base + "/text-vectorisation",
                      key,
                      "{\"text\": \"iPhone 12 128GB\"}")));
      String job =
          "{\"requests\": [{\"id\": \"1\", \"task\": \"text-vectorisation\", \"body\": {\"text\":"
              + " \"a queued line\"}}]}";
      report(
          "POST /jobs (enqueue only)", measure(jobs, () -> call(client, base + "/jobs", key, job)));
    }
  }

  private interface Call {
    int run() throws Exception;
  }

  private record Measured(List<Double> latenciesMs, double seconds, int failures) {}

  private Measured measure(int count, Call call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger failures = new AtomicInteger();
    long start = System.nanoTime();
    List<Future<?>> futures = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      futures.add(
          pool.submit(
              () -> {
                long begin = System.nanoTime();
                int status = call.run();
                latencies.add((System.nanoTime() - begin) / 1e6);
                if (status >= 300) {
                  failures.incrementAndGet();
                }
                return null;
              }));
    }
    for (Future<?> future : futures) {
      future.get();
    }
    pool.shutdown();
    return new Measured(latencies, (System.nanoTime() - start) / 1e9, failures.get());
  }

  private static void report(String what, Measured measured) {
    List<Double> sorted = new ArrayList<>(measured.latenciesMs());
    Collections.sort(sorted);
    System.out.printf(
        Locale.ROOT,
        "  %-36s %5d calls, %7.1f calls/s, p50 %8.1f ms, p99 %8.1f ms, %d not 2xx%n",
        what,
        sorted.size(),
        sorted.size() / measured.seconds(),
        percentile(sorted, 0.50),
        percentile(sorted, 0.99),
        measured.failures());
  }

  private static double percentile(List<Double> sorted, double p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
  }

  private static int call(HttpClient client, String url, String key, String body)
      throws IOException, InterruptedException {
    return client
        .send(
            HttpRequest.newBuilder(URI.create(url))
                .header("x-api-key", key)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
