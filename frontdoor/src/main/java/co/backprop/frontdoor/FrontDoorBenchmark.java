package co.backprop.frontdoor;

import co.backprop.contract.usage.MonthlyLimit;
import co.backprop.store.Store;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The front door measured as a client sees it, on loopback, with a serving process and a worker
 * running: single-text task calls one at a time and at a concurrency, job submissions, and — in the
 * same run, on the same machine — the bare ONNX Runtime loop the calls are compared with. Not a
 * test.
 */
public final class FrontDoorBenchmark {
  private static final String[] WORDS = {
    "iPhone", "12", "128GB", "blue", "unlocked", "refurbished", "USB-C", "charger", "fast", "cable"
  };

  private final Path data;
  private final List<String> servingCommand;
  private final List<String> bareLoopCommand;
  private final int calls;
  private final int concurrency;
  private final int jobs;
  private final int jobConcurrency;

  public FrontDoorBenchmark(
      Path data,
      List<String> servingCommand,
      List<String> bareLoopCommand,
      int calls,
      int concurrency,
      int jobs,
      int jobConcurrency) {
    this.data = data;
    this.servingCommand = servingCommand;
    this.bareLoopCommand = bareLoopCommand;
    this.calls = calls;
    this.concurrency = concurrency;
    this.jobs = jobs;
    this.jobConcurrency = jobConcurrency;
  }

  private static String text(int i) {
    StringBuilder text = new StringBuilder("product");
    for (int w = 0; w < 4 + i % 9; w++) {
      text.append(' ').append(WORDS[(i * 7 + w) % WORDS.length]);
    }
    return text.toString();
  }

  public void run() throws Exception {
    Files.createDirectories(data);
    String key;
    try (Store store = Store.forDataFolder(data, null)) {
      key = store.accounts().create("bench" + System.nanoTime() % 100000, MonthlyLimit.UNLIMITED);
    }
    // The bare loop first, alone on the machine: the figure the calls are compared with.
    double bare = bareLoopRate();
    // No worker: task calls go to the serving process, and job submissions are measured as the
    // front door queueing them, not a worker running them beside it.
    FrontDoorConfig config =
        FrontDoorConfig.builder(data)
            .optPort(0)
            .optSyncWait(Duration.ofSeconds(30))
            .optMaxQueuedJobs(Integer.MAX_VALUE)
            .optServingCommand(servingCommand)
            .build();
    long started = System.nanoTime();
    try (FrontDoor frontDoor = FrontDoor.start(config)) {
      double readySeconds = (System.nanoTime() - started) / 1e9;
      String base = "http://127.0.0.1:" + frontDoor.port();
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      System.out.printf(
          Locale.ROOT,
          "front door benchmark on %s (ready in %.1f s, serving process warm)%n",
          base,
          readySeconds);

      Call vectorise =
          i -> call(client, base + "/text-vectorisation", key, "{\"text\": \"" + text(i) + "\"}");
      report("first call after ready", measure(1, 1, vectorise));
      // Both JVMs compile their hot paths over the first thousand calls or so; the figures below
      // are of a warm service, as a long-running one is.
      report(
          "warm-up at concurrency " + concurrency + " (not counted)",
          measure(calls * 2, concurrency, vectorise));
      report("single-text calls, one at a time", measure(calls, 1, vectorise));
      Measured concurrent = measure(calls * 4, concurrency, vectorise);
      report("single-text calls, concurrency " + concurrency, concurrent);
      String job =
          "{\"requests\": [{\"id\": \"1\", \"task\": \"text-vectorisation\", \"body\": {\"text\":"
              + " \"a queued line\"}}]}";
      Measured submissions =
          measure(jobs, jobConcurrency, i -> call(client, base + "/jobs", key, job));
      report("POST /jobs (enqueue), concurrency " + jobConcurrency, submissions);

      double callRate = concurrent.perSecond();
      System.out.printf(
          Locale.ROOT,
          "  bare ONNX Runtime loop (sorted batches, same machine): %.1f sentences/s; calls at"
              + " concurrency %d reach %.2f of it%n",
          bare,
          concurrency,
          callRate / bare);
    }
  }

  /** The bare loop's rate, measured by the engines' JVM (this one has none). */
  private double bareLoopRate() throws IOException, InterruptedException {
    Process process = new ProcessBuilder(bareLoopCommand).redirectErrorStream(true).start();
    double rate = Double.NaN;
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        if (line.startsWith("bare-loop-sorted: ")) {
          rate = Double.parseDouble(line.substring("bare-loop-sorted: ".length()).split(" ")[0]);
        }
      }
    }
    process.waitFor();
    return rate;
  }

  private interface Call {
    int run(int index) throws Exception;
  }

  private record Measured(List<Double> latenciesMs, double seconds, int failures) {
    double perSecond() {
      return latenciesMs.size() / seconds;
    }
  }

  private static Measured measure(int count, int concurrency, Call call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger failures = new AtomicInteger();
    long start = System.nanoTime();
    List<Future<?>> futures = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int index = i;
      futures.add(
          pool.submit(
              () -> {
                long begin = System.nanoTime();
                int status = call.run(index);
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
        "  %-40s %5d calls, %7.1f calls/s, p50 %7.1f ms, p99 %7.1f ms, %d not 2xx%n",
        what,
        sorted.size(),
        measured.perSecond(),
        percentile(sorted, 0.50),
        percentile(sorted, 0.99),
        measured.failures());
  }

  private static double percentile(List<Double> sorted, double p) {
    return sorted.get(
        Math.min(sorted.size() - 1, Math.max(0, (int) Math.ceil(p * sorted.size()) - 1)));
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
