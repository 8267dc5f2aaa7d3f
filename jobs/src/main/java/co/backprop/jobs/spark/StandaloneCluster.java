package co.backprop.jobs.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * A real Spark standalone cluster on loopback: one master and N workers, each its own JVM, started
 * from this JVM's classpath and left running after it exits. The cluster's Spark "installation"
 * ({@code DIR/spark-home}) links every jar of that classpath into its {@code jars/}, so its workers
 * start executors that need nothing from the application but its jar — as on any cluster, and so
 * {@code spark-submit} ({@code DIR/spark-home/bin/spark-submit}) works against it too. What runs is
 * recorded in {@code DIR/cluster.json}, which {@link #stop} reads.
 */
public final class StandaloneCluster {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LOOPBACK = "127.0.0.1";

  /** What {@code DIR/cluster.json} records: enough to find, use and stop the cluster. */
  public record State(
      String masterUrl,
      String webUi,
      long masterPid,
      List<Long> workerPids,
      String sparkHome,
      String workDir,
      String logDir) {

    /** The processes to stop: workers first (they stop their executors), then the master. */
    List<Long> pids() {
      List<Long> pids = new ArrayList<>(workerPids);
      pids.add(masterPid);
      return pids;
    }

    boolean running() {
      return ProcessHandle.of(masterPid).map(ProcessHandle::isAlive).orElse(false);
    }
  }

  /** The shape of a cluster to start. */
  public record Shape(int workers, int cores, String memory, int port) {
    public Shape {
      if (workers < 1 || cores < 1) {
        throw new IllegalArgumentException("--workers and --cores must be at least 1");
      }
      if (!memory.matches("[1-9][0-9]*[mMgG]")) {
        throw new IllegalArgumentException(
            "--memory must be like 1g or 512m, got '" + memory + "'");
      }
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("--port must be 0 (any free port) to 65535");
      }
    }
  }

  private StandaloneCluster() {}

  /** The cluster folder {@code bin/backprop cluster} uses unless told otherwise. */
  public static Path defaultDir() {
    return Path.of(System.getProperty("backprop.home", ".")).resolve("out/cluster");
  }

  /** The cluster recorded in {@code dir}, if its master still runs. */
  public static Optional<State> running(Path dir) {
    Path file = dir.resolve("cluster.json");
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      State state = JSON.readValue(file.toFile(), State.class);
      return state.running() ? Optional.of(state) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * Starts the master and the workers and waits until every worker has registered.
   *
   * @param classpath the jars the cluster's JVMs and executors run with
   * @throws IllegalArgumentException when a cluster already runs there or the port is taken
   * @throws IOException when the workers do not register within {@code timeout} (everything started
   *     is stopped again)
   */
  public static State start(Path dir, Shape shape, List<Path> classpath, Duration timeout)
      throws IOException, InterruptedException {
    Optional<State> existing = running(dir);
    if (existing.isPresent()) {
      throw new IllegalArgumentException(
          "a cluster already runs from "
              + dir
              + " at "
              + existing.get().masterUrl()
              + "; `bin/backprop cluster stop` first");
    }
    int port = shape.port() == 0 ? freePort() : requireFree(shape.port());
    Path home = sparkHome(dir.resolve("spark-home"), classpath);
    Path work = Files.createDirectories(dir.resolve("work"));
    Path logs = Files.createDirectories(dir.resolve("logs"));
    String masterUrl = "spark://" + LOOPBACK + ":" + port;
    int masterUi = freePort();

    List<Process> started = new ArrayList<>();
    try {
      started.add(
          launch(
              home,
              logs.resolve("master.log"),
              "org.apache.spark.deploy.master.Master",
              "--host",
              LOOPBACK,
              "--port",
              Integer.toString(port),
              "--webui-port",
              Integer.toString(masterUi)));
      for (int i = 1; i <= shape.workers(); i++) {
        started.add(
            launch(
                home,
                logs.resolve("worker-" + i + ".log"),
                "org.apache.spark.deploy.worker.Worker",
                "--host",
                LOOPBACK,
                "--cores",
                Integer.toString(shape.cores()),
                "--memory",
                shape.memory(),
                "--work-dir",
                work.toString(),
                "--webui-port",
                Integer.toString(freePort()),
                masterUrl));
      }
      String webUi = "http://" + LOOPBACK + ":" + masterUi;
      awaitWorkers(webUi, shape.workers(), started, logs, timeout);
      State state =
          new State(
              masterUrl,
              webUi,
              started.get(0).pid(),
              started.subList(1, started.size()).stream().map(Process::pid).toList(),
              home.toString(),
              work.toString(),
              logs.toString());
      JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("cluster.json").toFile(), state);
      return state;
    } catch (IOException | InterruptedException | RuntimeException e) {
      started.forEach(p -> stopProcess(p.toHandle()));
      throw e;
    }
  }

  /** Stops the cluster recorded in {@code dir}; false when none runs there. */
  public static boolean stop(Path dir) throws IOException {
    Optional<State> state = running(dir);
    Files.deleteIfExists(dir.resolve("cluster.json"));
    if (state.isEmpty()) {
      return false;
    }
    for (long pid : state.get().pids()) {
      ProcessHandle.of(pid).ifPresent(StandaloneCluster::stopProcess);
    }
    return true;
  }

  /** SIGTERM (a worker then stops its executors), and SIGKILL for what is left after 10 s. */
  private static void stopProcess(ProcessHandle process) {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    try {
      process.onExit().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      process.destroyForcibly();
    }
    children.forEach(ProcessHandle::destroyForcibly);
  }

  /**
   * A Spark installation for the cluster: a RELEASE file, {@code jars/} linking every jar of the
   * classpath, and a {@code bin/spark-submit} that runs Spark's own SparkSubmit from those jars.
   */
  private static Path sparkHome(Path home, List<Path> classpath) throws IOException {
    Path jars = home.resolve("jars");
    if (Files.isDirectory(jars)) {
      try (Stream<Path> old = Files.list(jars)) {
        for (Path link : old.toList()) {
          Files.delete(link);
        }
      }
    }
    Files.createDirectories(jars);
    Set<String> names = new HashSet<>();
    for (Path jar : classpath) {
      if (!jar.toString().endsWith(".jar") || !Files.isRegularFile(jar)) {
        continue;
      }
      String name = jar.getFileName().toString();
      for (int i = 2; !names.add(name); i++) {
        name = i + "-" + jar.getFileName();
      }
      Files.createSymbolicLink(jars.resolve(name), jar.toAbsolutePath());
    }
    Files.writeString(
        home.resolve("RELEASE"),
        "Spark 4.0.1 (made by bin/backprop cluster start: links the project's jars)\n");
    Path submit = Files.createDirectories(home.resolve("bin")).resolve("spark-submit");
    Files.writeString(
        submit,
        String.join(
            "\n",
            "#!/usr/bin/env bash",
            "# spark-submit for the cluster bin/backprop started: Spark's SparkSubmit from its"
                + " jars.",
            "SPARK_HOME=\"$(cd \"$(dirname \"$0\")/..\" && pwd)\"",
            "export SPARK_HOME SPARK_SCALA_VERSION=2.13",
            "exec java ${SPARK_SUBMIT_OPTS:-} " + JavaModuleOptions.defaultModuleOptions() + " \\",
            "  -cp \"$SPARK_HOME/jars/*\" org.apache.spark.deploy.SparkSubmit \"$@\"",
            ""));
    submit.toFile().setExecutable(true);
    return home;
  }

  private static Process launch(Path home, Path log, String mainClass, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.addAll(List.of(JavaModuleOptions.defaultModuleOptionArray()));
    command.add("-cp");
    command.add(home.resolve("jars") + File.separator + "*");
    command.add(mainClass);
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().put("SPARK_HOME", home.toString());
    builder.environment().put("SPARK_SCALA_VERSION", "2.13");
    return builder.start();
  }

  /** Polls the master's JSON page until {@code workers} are alive. */
  private static void awaitWorkers(
      String webUi, int workers, List<Process> started, Path logs, Duration timeout)
      throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(webUi + "/json/")).timeout(Duration.ofSeconds(5)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    int alive = 0;
    while (System.nanoTime() < deadline) {
      for (Process process : started) {
        if (!process.isAlive()) {
          throw new IOException(
              "a cluster process exited with code "
                  + process.exitValue()
                  + " while starting; its log is in "
                  + logs);
        }
      }
      try {
        JsonNode master =
            JSON.readTree(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
        alive = master.path("aliveworkers").asInt();
        if (alive >= workers) {
          return;
        }
      } catch (IOException e) {
        // the master's web UI is not up yet
      }
      Thread.sleep(250);
    }
    throw new IOException(
        alive
            + " of "
            + workers
            + " workers registered within "
            + timeout.toSeconds()
            + " s; their logs are in "
            + logs);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
      return socket.getLocalPort();
    }
  }

  private static int requireFree(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(LOOPBACK))) {
      return port;
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "port "
              + port
              + " on "
              + LOOPBACK
              + " is in use (another Spark master?); choose another with --port");
    }
  }

  /** The classpath of this JVM, as the cluster's jars. */
  public static List<Path> thisClasspath() {
    return Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> !entry.isBlank())
        .map(Path::of)
        .toList();
  }
}
