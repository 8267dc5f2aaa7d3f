package co.backprop.jobs.spark;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import scala.Tuple4;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Shows rows done / total and the rate on the terminal while the job runs. Finished tasks report
 * their row counts when they end; running tasks report theirs in executor heartbeats, so progress
 * moves inside long partitions too.
 */
public final class ProgressReporter extends SparkListener implements AutoCloseable {
  /** Where progress goes besides the terminal. */
  @FunctionalInterface
  public interface Sink {
    void progress(long done, long total);
  }

  private final SparkContext context;
  private final long accumulatorId;
  private final LongSupplier settled;
  private final long total;
  private final PrintStream out;
  private final Sink sink;
  private final boolean terminal;
  private final AtomicLong finished = new AtomicLong();
  private final Map<Long, Long> running = new ConcurrentHashMap<>();
  private final Thread printer;
  private final long started = System.nanoTime();
  private volatile boolean stopped;

  /**
   * @param accumulatorId the rows-done accumulator, as tasks and heartbeats report it
   * @param settled the accumulator's value on the driver: exact once tasks have finished (listener
   *     events arrive later, asynchronously)
   * @param out where the progress line goes, or null for none
   * @param sink told the rows done every second (a worker records them), or null
   */
  public ProgressReporter(
      SparkContext context,
      long accumulatorId,
      LongSupplier settled,
      long total,
      PrintStream out,
      Sink sink) {
    this.context = context;
    this.accumulatorId = accumulatorId;
    this.settled = settled;
    this.total = total;
    this.out = out;
    this.sink = sink;
    this.terminal = System.console() != null;
    context.addSparkListener(this);
    this.printer = new Thread(this::printLoop, "backprop-progress");
    printer.setDaemon(true);
    printer.start();
  }

  /** Rows done so far: finished tasks plus what running tasks last reported. */
  public long done() {
    long reported = finished.get();
    for (long value : running.values()) {
      reported += value;
    }
    return Math.min(Math.max(reported, settled.getAsLong()), total);
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    long taskId = taskEnd.taskInfo().taskId();
    running.remove(taskId);
    if (taskEnd.taskInfo().successful()) {
      finished.addAndGet(rowsIn(taskEnd.taskInfo().accumulables()));
    }
  }

  @Override
  public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
    for (Tuple4<Object, Object, Object, scala.collection.immutable.Seq<AccumulableInfo>> task :
        CollectionConverters.asJava(update.accumUpdates())) {
      long rows = rowsIn(task._4());
      if (rows > 0) {
        running.put((Long) task._1(), rows);
      }
    }
  }

  private long rowsIn(scala.collection.Seq<AccumulableInfo> accumulables) {
    for (AccumulableInfo info : CollectionConverters.asJava(accumulables)) {
      if (info.id() == accumulatorId && info.update().isDefined()) {
        return ((Number) info.update().get()).longValue();
      }
    }
    return 0;
  }

  private void printLoop() {
    long lastLine = 0;
    while (!stopped) {
      try {
        Thread.sleep(terminal ? 1000 : 5000);
      } catch (InterruptedException e) {
        return;
      }
      if (stopped) {
        return;
      }
      if (sink != null) {
        sink.progress(done(), total);
      }
      if (out == null) {
        continue;
      }
      if (terminal) {
        out.print("\r" + line() + "   ");
        out.flush();
      } else if (System.nanoTime() - lastLine > 30_000_000_000L) {
        out.println(line());
        lastLine = System.nanoTime();
      }
    }
  }

  String line() {
    long done = done();
    double seconds = (System.nanoTime() - started) / 1e9;
    double rate = done / Math.max(seconds, 1e-9);
    String eta =
        rate > 0 && done < total
            ? String.format(Locale.ROOT, ", ETA %.0fs", (total - done) / rate)
            : "";
    return String.format(
        Locale.ROOT,
        "progress: %,d / %,d rows (%.0f%%), %.0f rows/s%s",
        done,
        total,
        total == 0 ? 100.0 : 100.0 * done / total,
        rate,
        eta);
  }

  @Override
  public void close() {
    stopped = true;
    printer.interrupt();
    context.removeSparkListener(this);
    if (sink != null) {
      sink.progress(done(), total);
    }
    if (out != null) {
      out.print((terminal ? "\r" : "") + line() + "   \n");
      out.flush();
    }
  }
}
