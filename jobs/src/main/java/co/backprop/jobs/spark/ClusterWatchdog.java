package co.backprop.jobs.spark;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import org.apache.spark.SparkContext;

/**
 * Makes a driver on a cluster exit instead of waiting forever: when no executor has registered
 * within the timeout, or when the cluster manager removes the application (its executors could not
 * start: the context stops under the running job), it prints one line saying what happened and
 * where the executor logs are, and halts the JVM with exit code {@value #EXIT_CODE}. Local masters
 * need none: their executor is the driver.
 */
public final class ClusterWatchdog implements AutoCloseable {
  public static final int EXIT_CODE = 3;

  private final Thread thread;
  private volatile boolean closed;

  private ClusterWatchdog(SparkContext context, Duration timeout, PrintStream err) {
    thread = new Thread(() -> watch(context, timeout, err), "backprop-cluster-watchdog");
    thread.setDaemon(true);
  }

  /** Watches a session's context until closed; nothing for local masters. */
  public static ClusterWatchdog start(SparkContext context, Duration timeout, PrintStream err) {
    ClusterWatchdog watchdog = new ClusterWatchdog(context, timeout, err);
    String master = context.master();
    if (!(master.equals("local") || master.startsWith("local["))) {
      watchdog.thread.start();
    }
    return watchdog;
  }

  private void watch(SparkContext context, Duration timeout, PrintStream err) {
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean registered = false;
    while (!closed) {
      if (context.isStopped()) {
        fail(
            err,
            "the cluster manager ended the application on "
                + context.master()
                + " (its executors could not start or were lost); executor logs: "
                + logs(context));
      }
      registered = registered || context.getExecutorMemoryStatus().size() > 1;
      if (!registered && System.nanoTime() > deadline) {
        fail(
            err,
            String.format(
                Locale.ROOT,
                "no executor registered within %d s on %s (--executor-timeout); executor logs: %s",
                timeout.toSeconds(),
                context.master(),
                logs(context)));
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
    String work = home == null ? "the workers' work/ folders" : home + "/work";
    return work + "/" + context.applicationId() + "/*/stderr";
  }

  private void fail(PrintStream err, String message) {
    if (closed) {
      return;
    }
    err.println("error: " + message);
    err.flush();
    Runtime.getRuntime().halt(EXIT_CODE);
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}
