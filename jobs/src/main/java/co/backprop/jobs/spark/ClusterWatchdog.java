package co.backprop.jobs.spark;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkException;

/**
 * Keeps a driver on a cluster from waiting forever: when no executor has been there for the timeout
 * (none registered since the watch began, or every one was lost), or when the cluster manager
 * removes the application (its executors kept failing, or an operator killed it: Spark aborts the
 * running job and stops the context), it says so once, with Spark's reason when a failed job brings
 * it ({@link #explain}) and where the executor logs are. A command line then exits with code
 * {@value #EXIT_CODE}; the front door's worker fails the job and goes on. Local masters need none:
 * their executor is the driver.
 */
public final class ClusterWatchdog implements AutoCloseable {
  public static final int EXIT_CODE = 3;

  /**
   * How long a failed job waits for the context to stop, and the watch for a failed job's reason:
   * the cluster manager's removal aborts the running job and stops the context, on two threads.
   */
  private static final Duration STOP_GRACE = Duration.ofSeconds(3);

  private final SparkContext context;
  private final Consumer<String> onFailure;
  private final Thread thread;
  private final AtomicBoolean reported = new AtomicBoolean();
  private volatile boolean closed;

  private ClusterWatchdog(SparkContext context, Duration timeout, Consumer<String> onFailure) {
    this.context = context;
    this.onFailure = onFailure;
    thread = new Thread(() -> watch(timeout), "backprop-cluster-watchdog");
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

  /**
   * Tells what a failed job's failure was when it was the cluster manager ending the application
   * (the context stops under the job): {@code onFailure} hears it, as from the watch. Nothing for
   * other failures or local masters; the caller reports those as it would.
   */
  public void explain(Throwable failure) {
    if (context.isLocal() || !(rootSparkFailure(failure) instanceof SparkException cause)) {
      return;
    }
    long deadline = System.nanoTime() + STOP_GRACE.toNanos();
    while (!context.isStopped() && System.nanoTime() < deadline && pause(50)) {}
    if (context.isStopped()) {
      report(ended(firstLine(cause.getMessage())));
    }
  }

  private void watch(Duration timeout) {
    long lastSeen = System.nanoTime();
    boolean registered = false;
    while (!closed) {
      if (context.isStopped()) {
        // A job running when the application ended brings its reason to explain() at once.
        long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        while (!closed && !reported.get() && System.nanoTime() < deadline) {
          pause(50);
        }
        report(ended("Spark's log above says why"));
        return;
      }
      if (context.getExecutorMemoryStatus().size() > 1) { // the driver's block manager is one
        registered = true;
        lastSeen = System.nanoTime();
      } else if (System.nanoTime() - lastSeen > timeout.toNanos()) {
        report(
            String.format(
                Locale.ROOT,
                "%s within %d s on %s (--executor-timeout); executor logs: %s",
                registered
                    ? "every executor was lost and none came back"
                    : "no executor registered",
                timeout.toSeconds(),
                context.master(),
                logs()));
        return;
      }
      if (!pause(500)) {
        return;
      }
    }
  }

  /** Sleeps; false when interrupted (the watch is closing). */
  private static boolean pause(long millis) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private String ended(String why) {
    return "the cluster manager ended the application on "
        + context.master()
        + " ("
        + why
        + "); executor logs: "
        + logs();
  }

  /** The innermost Spark failure a job's exception wraps (Spark SQL wraps the scheduler's). */
  private static Throwable rootSparkFailure(Throwable failure) {
    Throwable spark = null;
    for (Throwable cause = failure;
        cause != null;
        cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof SparkException) {
        spark = cause;
      }
    }
    return spark;
  }

  private static String firstLine(String message) {
    String text = message == null ? "no reason given" : message.strip();
    int end = text.indexOf('\n');
    return end < 0 ? text : text.substring(0, end).strip();
  }

  /** Where a standalone or local-cluster worker keeps this application's executor logs. */
  private String logs() {
    String home = System.getenv("SPARK_HOME");
    String work =
        StandaloneCluster.running(StandaloneCluster.defaultDir())
            .filter(cluster -> cluster.masterUrl().equals(context.master()))
            .map(StandaloneCluster.State::workDir)
            .orElse(home == null ? null : home + "/work");
    String executors = context.applicationId() + "/*/stderr";
    return work == null ? executors + " in each worker's work folder" : work + "/" + executors;
  }

  private void report(String message) {
    if (!closed && reported.compareAndSet(false, true)) {
      onFailure.accept(message);
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}
