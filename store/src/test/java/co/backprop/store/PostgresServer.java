package co.backprop.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for the tests: its own cluster made with {@code initdb} in a temporary
 * folder, started with {@code pg_ctl} on a free loopback port, one per test JVM, stopped when the
 * JVM ends. Run as the {@code postgres} user when the tests run as root (the server refuses root).
 * Needs the Debian {@code postgresql} package, which .ci/run installs.
 */
public final class PostgresServer {
  private static PostgresServer shared;

  private final Path bin;
  private final Path data;
  private final int port;
  private final AtomicInteger databases = new AtomicInteger();

  private PostgresServer(Path bin, Path data, int port) {
    this.bin = bin;
    this.data = data;
    this.port = port;
  }

  /** The server of this test JVM, started on first use. */
  public static synchronized PostgresServer shared() {
    if (shared == null) {
      shared = start();
      Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "postgres-stop"));
    }
    return shared;
  }

  /** A new, empty database on the server: its JDBC URL. */
  public String newDatabase() {
    String name = "backprop_test_" + databases.incrementAndGet();
    try (Connection connection = DriverManager.getConnection(url("postgres"));
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot create database " + name + " on " + url("postgres"), e);
    }
    return url(name);
  }

  public String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=backprop";
  }

  private static PostgresServer start() {
    Path bin = binaries();
    try {
      Path data = Files.createTempDirectory(Path.of("/tmp"), "backprop-pg-");
      Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
      if (asRoot()) {
        run(List.of("chown", "postgres:postgres", data.toString()), false);
      }
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      run(
          List.of(
              bin.resolve("initdb").toString(),
              "-D",
              data.toString(),
              "-U",
              "backprop",
              "--auth=trust",
              "--encoding=UTF8",
              "--no-sync",
              "--no-instructions"),
          true);
      // No fsync: a test server's data need not survive a power cut, and fsyncs would dominate the
      // tests' time.
      run(
          List.of(
              bin.resolve("pg_ctl").toString(),
              "-D",
              data.toString(),
              "-w",
              "-t",
              "60",
              "-l",
              data.resolve("server.log").toString(),
              "-o",
              "-p " + port + " -h 127.0.0.1 -k " + data + " -F -c max_connections=200",
              "start"),
          true);
      return new PostgresServer(bin, data, port);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a PostgreSQL server for the tests", e);
    }
  }

  private void stop() {
    try {
      run(
          List.of(
              bin.resolve("pg_ctl").toString(),
              "-D",
              data.toString(),
              "-m",
              "immediate",
              "-w",
              "stop"),
          true);
    } catch (RuntimeException e) {
      System.err.println(
          "could not stop the test PostgreSQL server in " + data + ": " + e.getMessage());
    }
    try (Stream<Path> paths = Files.walk(data)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      // a leftover folder in /tmp
    }
  }

  /** The server's programs: Debian keeps them in /usr/lib/postgresql/VERSION/bin. */
  private static Path binaries() {
    Path root = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(root)) {
      try (Stream<Path> versions = Files.list(root)) {
        var found =
            versions
                .map(v -> v.resolve("bin"))
                .filter(b -> Files.isExecutable(b.resolve("initdb")))
                .max(
                    Comparator.comparing(
                        b ->
                            Integer.parseInt(
                                b.getParent().getFileName().toString().replaceAll("\\D", "0"))));
        if (found.isPresent()) {
          return found.get();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new IllegalStateException(
        "no PostgreSQL server found in /usr/lib/postgresql/*/bin: install the Debian package"
            + " 'postgresql' (.ci/run does)");
  }

  private static boolean asRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static void run(List<String> command, boolean asPostgres) {
    List<String> full = new ArrayList<>();
    if (asPostgres && asRoot()) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    try {
      Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", full) + " failed:\n" + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", full), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
