package co.backprop.frontdoor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process `serve` starts beside itself — the local worker (a Spark driver cannot live in this
 * JVM) or a serving process (its models need engines this JVM does not carry): restarted when it
 * dies, stopped with the front door. Its output goes to {@code logs/<name>.log}.
 */
final class ChildProcess implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ChildProcess.class);

  private final String name;
  private final List<String> command;
  private final Path log;
  private final Thread supervisor;
  private volatile Process process;
  private volatile boolean closing;

  private ChildProcess(String name, List<String> command, Path log) {
    this.name = name;
    this.command = command;
    this.log = log;
    this.supervisor = new Thread(this::supervise, "backprop-" + name + "-supervisor");
    supervisor.setDaemon(true);
  }

  static ChildProcess start(String name, List<String> command, Path logs) {
    try {
      Files.createDirectories(logs);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChildProcess child = new ChildProcess(name, command, logs.resolve(name + ".log"));
    child.launch();
    child.supervisor.start();
    Runtime.getRuntime()
        .addShutdownHook(new Thread(child::close, "backprop-" + name + "-shutdown"));
    return child;
  }

  private void launch() {
    try {
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      LOG.info(
          "{} started (pid {}): {}; log in {}",
          name,
          process.pid(),
          String.join(" ", command),
          log);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot start the " + name + ": " + String.join(" ", command), e);
    }
  }

  private void supervise() {
    while (!closing) {
      try {
        int exit = process.waitFor();
        if (closing) {
          return;
        }
        LOG.warn("the {} exited with {}; restarting it in 2 s (see {})", name, exit, log);
        Thread.sleep(2000);
        if (!closing) {
          launch();
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public synchronized void close() {
    if (closing) {
      return;
    }
    closing = true;
    supervisor.interrupt();
    Process running = process;
    if (running != null && running.isAlive()) {
      running.descendants().forEach(ProcessHandle::destroy);
      running.destroy();
      try {
        if (!running.waitFor(20, TimeUnit.SECONDS)) {
          running.destroyForcibly();
        }
      } catch (InterruptedException e) {
        running.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
