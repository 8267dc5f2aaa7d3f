package co.backprop.jobs.spark;

import co.backprop.contract.task.Task;
import co.backprop.engines.pipeline.ComputeBudget;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One job's compute budget, kept by the driver: every executor reserves each micro-batch here
 * before running it and reports what it spent after, so a job stops taking rows when its account's
 * monthly limit is reached however many executor JVMs it runs on, overshooting by at most the last
 * micro-batch granted. Reservations are priced from what batches cost so far (milliseconds per
 * padded token); until one has been measured, batches are granted one at a time. It is also the
 * job's live meter: what it computed, by task and model, even when the job is cancelled or fails
 * before writing results. A small HTTP endpoint on the driver (the JDK's server), guarded by a
 * random token.
 */
public final class BudgetServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BudgetServer.class);
  private static final long UNMEASURED_WAIT_MS = 60_000;

  /** What one (task, model) computed: forward-pass milliseconds and items. */
  public record Spent(double computeMs, long items) {}

  private record Key(String task, String model) {}

  private final HttpServer server;
  private final ExecutorService threads;
  private final String url;
  private final double budgetMs;
  private final String exhaustedError;
  // Guarded by this.
  private double spentMs;
  private long spentTokens;
  private double reservedMs;
  private int inFlight;
  private final Map<Key, double[]> tally = new LinkedHashMap<>();

  private BudgetServer(
      HttpServer server,
      ExecutorService threads,
      String url,
      double budgetMs,
      String exhaustedError) {
    this.server = server;
    this.threads = threads;
    this.url = url;
    this.budgetMs = budgetMs;
    this.exhaustedError = exhaustedError;
  }

  /**
   * @param host the driver's address as executors reach it
   * @param budgetSeconds the compute seconds the job may spend (infinite for no limit)
   * @param exhaustedError the error of rows not run once it is spent
   */
  public static BudgetServer start(String host, double budgetSeconds, String exhaustedError) {
    byte[] secret = new byte[16];
    new SecureRandom().nextBytes(secret);
    String token = HexFormat.of().formatHex(secret);
    // Reservations may wait for a report: enough threads that reports are never stuck behind them.
    ExecutorService threads =
        Executors.newCachedThreadPool(
            runnable -> {
              Thread thread = new Thread(runnable, "backprop-budget");
              thread.setDaemon(true);
              return thread;
            });
    try {
      System.setProperty("sun.net.httpserver.nodelay", "true"); // no Nagle delay on small answers
      HttpServer server = HttpServer.create(new InetSocketAddress(host, 0), 64);
      String base = "http://" + host + ":" + server.getAddress().getPort() + "/budget/" + token;
      BudgetServer budget =
          new BudgetServer(server, threads, base, budgetSeconds * 1000, exhaustedError);
      server.createContext("/budget/" + token, budget::handle);
      server.setExecutor(threads);
      server.start();
      return budget;
    } catch (IOException e) {
      threads.shutdownNow();
      throw new UncheckedIOException("cannot start the job's budget endpoint on " + host, e);
    }
  }

  /** What executors hold: the endpoint. */
  public ComputeBudget client() {
    return new RemoteBudget(url, exhaustedError);
  }

  /** Grants a micro-batch, or null when the budget (with what is already running) is spent. */
  synchronized ComputeBudget.Ticket reserve(Task task, String model, long paddedTokens) {
    if (Double.isInfinite(budgetMs)) {
      inFlight++;
      return new ComputeBudget.Ticket(task, model, paddedTokens, 0);
    }
    long deadline = System.currentTimeMillis() + UNMEASURED_WAIT_MS;
    while (spentTokens == 0 && inFlight > 0 && System.currentTimeMillis() < deadline) {
      try {
        wait(deadline - System.currentTimeMillis()); // the first batch's report prices the rest
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    if (budgetMs - spentMs - reservedMs <= 0) {
      return null;
    }
    double estimate = spentTokens == 0 ? 0 : paddedTokens * spentMs / spentTokens;
    reservedMs += estimate;
    inFlight++;
    return new ComputeBudget.Ticket(task, model, paddedTokens, estimate);
  }

  /** Records a micro-batch run on a ticket. */
  synchronized void spent(ComputeBudget.Ticket ticket, double computeMs, long items) {
    reservedMs -= ticket.estimatedMs();
    inFlight--;
    spentMs += computeMs;
    spentTokens += ticket.paddedTokens();
    double[] values =
        tally.computeIfAbsent(new Key(ticket.task().apiName(), ticket.model()), k -> new double[2]);
    values[0] += computeMs;
    values[1] += items;
    notifyAll();
  }

  /** What the job computed so far, by task and model. */
  public synchronized Map<Task, Map<String, Spent>> spent() {
    Map<Task, Map<String, Spent>> byTask = new LinkedHashMap<>();
    tally.forEach(
        (key, values) ->
            byTask
                .computeIfAbsent(Task.fromApiName(key.task()), t -> new LinkedHashMap<>())
                .put(key.model(), new Spent(values[0], (long) values[1])));
    return byTask;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String[] fields;
      try (InputStream in = exchange.getRequestBody()) {
        fields = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\t");
      }
      String answer;
      if (exchange.getRequestURI().getPath().endsWith("/reserve")) {
        ComputeBudget.Ticket ticket =
            reserve(Task.fromApiName(fields[0]), fields[1], Long.parseLong(fields[2]));
        answer = ticket == null ? "denied" : "granted\t" + ticket.estimatedMs();
      } else {
        ComputeBudget.Ticket ticket =
            new ComputeBudget.Ticket(
                Task.fromApiName(fields[0]),
                fields[1],
                Long.parseLong(fields[2]),
                Double.parseDouble(fields[3]));
        spent(ticket, Double.parseDouble(fields[4]), Long.parseLong(fields[5]));
        answer = "ok";
      }
      byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    } catch (RuntimeException e) {
      LOG.warn("a budget request could not be read", e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * An executor's side of a job's budget: each reservation and report is one call to the driver.
   */
  static final class RemoteBudget implements ComputeBudget {
    private static final HttpClient CLIENT =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String url;
    private final String exhaustedError;

    RemoteBudget(String url, String exhaustedError) {
      this.url = url;
      this.exhaustedError = exhaustedError;
    }

    @Override
    public Ticket reserve(Task task, String model, long paddedTokens) {
      String answer = call("/reserve", task.apiName() + "\t" + model + "\t" + paddedTokens);
      if (answer == null) {
        // The driver is unreachable: the rows run (and are billed from the results all the same).
        return new Ticket(task, model, paddedTokens, 0);
      }
      if (answer.equals("denied")) {
        return null;
      }
      return new Ticket(task, model, paddedTokens, Double.parseDouble(answer.split("\t")[1]));
    }

    @Override
    public void spent(Ticket ticket, double computeMs, int items) {
      call(
          "/spent",
          String.join(
              "\t",
              ticket.task().apiName(),
              ticket.model(),
              Long.toString(ticket.paddedTokens()),
              Double.toString(ticket.estimatedMs()),
              Double.toString(computeMs),
              Integer.toString(items)));
    }

    private String call(String path, String body) {
      try {
        return CLIENT
            .send(
                HttpRequest.newBuilder(URI.create(url + path))
                    .timeout(Duration.ofSeconds(90))
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body()
            .trim();
      } catch (IOException | RuntimeException e) {
        LoggerFactory.getLogger(RemoteBudget.class)
            .warn("cannot reach the job's budget on the driver at {}: {}", url, e.toString());
        return null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }

    @Override
    public String exhaustedError() {
      return exhaustedError;
    }
  }
}
