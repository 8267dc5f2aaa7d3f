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
 * The local worker `serve` starts: a child process (a Spark driver cannot live in this JVM),
 * restarted when it dies, stopped with the front door. Its output goes to logs/worker.log.
 */
final class WorkerProcess implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerProcess.class);

  private final List<String> command;
  private final Path log;
  private final Thread supervisor;
  private volatile Process process;
  private volatile boolean closing;

  private WorkerProcess(List<String> command, Path log) {
    this.command = command;
    this.log = log;
    this.supervisor = new Thread(this::supervise, "backprop-worker-supervisor");
    supervisor.setDaemon(true);
  }

  static WorkerProcess start(List<String> command, Path logs) {
    try {
      Files.createDirectories(logs);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    WorkerProcess worker = new WorkerProcess(command, logs.resolve("worker.log"));
    worker.launch();
    worker.supervisor.start();
    Runtime.getRuntime().addShutdownHook(new Thread(worker::close, "backprop-worker-shutdown"));
    return worker;
  }

  private void launch() {
    try {
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      LOG.info(
          "worker started (pid {}): {}; log in {}", process.pid(), String.join(" ", command), log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the worker: " + String.join(" ", command), e);
    }
  }

  private void supervise() {
    while (!closing) {
      try {
        int exit = process.waitFor();
        if (closing) {
          return;
        }
        LOG.warn("the worker exited with {}; restarting it in 2 s (see {})", exit, log);
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
