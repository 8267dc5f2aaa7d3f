package co.backprop.jobs.spark;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;
import org.apache.spark.SparkContext;

/**
 * Keeps a driver on a cluster from waiting forever: when no executor has been there for the timeout
 * (none registered since the watch began, or every one was lost), or when the cluster manager
 * removes the application (its executors could not start: the context stops under the running job),
 * it says so once, with where the executor logs are. A command line then exits with code {@value
 * #EXIT_CODE}; the front door's worker fails the job and goes on. Local masters need none: their
 * executor is the driver.
 */
public final class ClusterWatchdog implements AutoCloseable {
  public static final int EXIT_CODE = 3;

  private final Thread thread;
  private volatile boolean closed;

  private ClusterWatchdog(SparkContext context, Duration timeout, Consumer<String> onFailure) {
    thread = new Thread(() -> watch(context, timeout, onFailure), "backprop-cluster-watchdog");
    thread.setDaemon(true);
  }

  /**
   * Watches a session's context until closed, telling {@code onFailure} (once) what went wrong;
   * nothing for local masters.
   */
  public static ClusterWatchdog start(
      SparkContext context, Duration timeout, Consumer<String> onFailure) {
    ClusterWatchdog watchdog = new ClusterWatchdog(context, timeout, onFailure);
    if (!context.isLocal()) {
      watchdog.thread.start();
    }
    return watchdog;
  }

  /** A command line's watchdog: prints {@code error: ...} and halts with exit code 3. */
  public static ClusterWatchdog exiting(SparkContext context, Duration timeout, PrintStream err) {
    return start(
        context,
        timeout,
        message -> {
          err.println("error: " + message);
          err.flush();
          Runtime.getRuntime().halt(EXIT_CODE);
        });
  }

  private void watch(SparkContext context, Duration timeout, Consumer<String> onFailure) {
    long lastSeen = System.nanoTime();
    boolean registered = false;
    while (!closed) {
      if (context.isStopped()) {
        report(
            onFailure,
            "the cluster manager ended the application on "
                + context.master()
                + " (its executors could not start or were lost); executor logs: "
                + logs(context));
        return;
      }
      if (context.getExecutorMemoryStatus().size() > 1) { // the driver's block manager is one
        registered = true;
        lastSeen = System.nanoTime();
      } else if (System.nanoTime() - lastSeen > timeout.toNanos()) {
        report(
            onFailure,
            String.format(
                Locale.ROOT,
                "%s within %d s on %s (--executor-timeout); executor logs: %s",
                registered
                    ? "every executor was lost and none came back"
                    : "no executor registered",
                timeout.toSeconds(),
                context.master(),
                logs(context)));
        return;
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Where a standalone or local-cluster worker keeps this application's executor logs. */
  private static String logs(SparkContext context) {
    String home = System.getenv("SPARK_HOME");
    String work =
        StandaloneCluster.running(StandaloneCluster.defaultDir())
            .filter(cluster -> cluster.masterUrl().equals(context.master()))
            .map(StandaloneCluster.State::workDir)
            .orElse(home == null ? "the workers' work/ folders" : home + "/work");
    return work + "/" + context.applicationId() + "/*/stderr";
  }

  private void report(Consumer<String> onFailure, String message) {
    if (!closed) {
      onFailure.accept(message);
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}
