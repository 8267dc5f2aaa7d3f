package co.backprop.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;

import co.backprop.contract.usage.MonthlyLimit;
import co.backprop.contract.usage.UsageRow;
import co.backprop.store.Store;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/backprop serve as an operator runs it: its worker lives and dies with it. A front door killed
 * with SIGKILL leaves no worker behind (the worker puts its job back in the queue and exits), and a
 * restarted front door's worker runs every queued job once. (An IT: it runs the packaged jars.)
 */
class ServeProcessIT {
  @TempDir Path data;

  private Process serve(int port) throws IOException, InterruptedException {
    Path log = data.resolve("serve-" + System.nanoTime() + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(
                TestFrontDoors.REPO.resolve("bin/backprop").toString(),
                "serve",
                "--data",
                data.toString(),
                "--port",
                String.valueOf(port),
                "--sync-wait",
                "1")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().put("BACKPROP_NO_BUILD", "1");
    Process serve = builder.start();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (!Files.readString(log).contains("front door listening")) {
      assertThat(serve.isAlive()).as("serve exited: " + Files.readString(log)).isTrue();
      assertThat(System.nanoTime()).as("serve did not start").isLessThan(deadline);
      Thread.sleep(100);
    }
    return serve;
  }

  /**
   * The JVMs serve started: its worker (bin/backprop execs java, so the script's pid is the JVM's).
   */
  private static List<ProcessHandle> workers(Process serve) {
    return serve
        .descendants()
        .filter(p -> p.info().command().orElse("").endsWith("/java"))
        .toList();
  }

  private static String requests(int count) {
    return "{\"requests\": ["
        + IntStream.range(0, count)
            .mapToObj(
                i ->
                    "{\"id\": \"r"
                        + i
                        + "\", \"task\": \"text-vectorisation\", \"body\": {\"text\": \"line "
                        + i
                        + " of a nightly batch, long enough to take the worker a while to get"
                        + " through\"}}")
            .collect(Collectors.joining(", "))
        + "]}";
  }

  @Test
  void aKilledFrontDoorLeavesNoWorkerAndItsJobsRunOnceAfterARestart() throws Exception {
    String key;
    try (Store store = Store.forDataFolder(data, null)) {
      key = store.accounts().create("acme", MonthlyLimit.UNLIMITED);
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    ApiClient api = new ApiClient(port);
    Process first = serve(port);
    List<ProcessHandle> firstWorkers;
    String running;
    String queued;
    try {
      running = api.post("/jobs", key, requests(1200)).json().get("job_id").asText();
      queued = api.post("/jobs", key, requests(50)).json().get("job_id").asText();
      api.awaitProgress(running, key, Duration.ofMinutes(2));
      firstWorkers = workers(first);
      assertThat(firstWorkers).as("serve started a worker").isNotEmpty();
    } finally {
      first.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook runs in the front door
    }
    Instant killed = Instant.now();
    for (ProcessHandle worker : firstWorkers) {
      worker.onExit().get(20, TimeUnit.SECONDS);
    }
    Duration gone = Duration.between(killed, Instant.now());
    System.out.println(
        "the worker exited " + gone.toMillis() + " ms after its front door was killed");
    assertThat(gone).isLessThan(Duration.ofSeconds(20));

    Process second = serve(port);
    try {
      JsonNode done = api.awaitJob(running, key, Duration.ofMinutes(3));
      assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("succeeded");
      assertThat(done.at("/counts/ok").asLong()).isEqualTo(1200);
      // The dying worker put the job back: its attempt did not count.
      assertThat(done.get("attempts").asInt()).isEqualTo(1);
      assertThat(api.awaitJob(queued, key, Duration.ofMinutes(2)).get("status").asText())
          .isEqualTo("succeeded");
      List<String> ids =
          api.get("/jobs/" + running + "/results", key)
              .body()
              .lines()
              .filter(l -> !l.isBlank())
              .map(l -> l.replaceAll(".*\"id\":\"(r\\d+)\".*", "$1"))
              .toList();
      assertThat(ids).hasSize(1200).doesNotHaveDuplicates();
    } finally {
      second.destroy(); // SIGTERM: the front door stops its worker on the way out
      assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    try (Store store = Store.forDataFolder(data, null)) {
      List<UsageRow> usage = store.ledger().usage("acme", MonthlyLimit.period(Instant.now()));
      assertThat(usage)
          .singleElement()
          .satisfies(row -> assertThat(row.requests()).isEqualTo(1250));
    }
  }
}
