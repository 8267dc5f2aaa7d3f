package co.backprop.frontdoor.usage;

import co.backprop.contract.usage.UsageRow;
import co.backprop.store.UsageLedger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bills the task calls the serving processes answered, before their answers go out: concurrent
 * calls' usage is committed together (group commit), summed by account, period, task and model, in
 * one transaction under a source of its own, so the ledger takes one short write per group instead
 * of one per call.
 */
public final class UsageRecorder implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(UsageRecorder.class);

  private record Pending(List<UsageRow> rows, CompletableFuture<Void> committed) {}

  private record Key(String account, String period, String task, String model) {}

  private final UsageLedger ledger;
  private final String sourcePrefix = "serve:" + UUID.randomUUID() + ":";
  private final AtomicLong groups = new AtomicLong();
  private final BlockingQueue<Pending> pending = new LinkedBlockingQueue<>();
  private final Thread writer;
  private volatile boolean closed;

  public UsageRecorder(UsageLedger ledger) {
    this.ledger = ledger;
    this.writer = new Thread(this::write, "backprop-usage-writer");
    writer.setDaemon(true);
    writer.start();
  }

  /**
   * Records usage; the future completes once it is committed (or fails when the ledger cannot take
   * it).
   */
  public CompletableFuture<Void> record(List<UsageRow> rows) {
    CompletableFuture<Void> committed = new CompletableFuture<>();
    if (rows.isEmpty()) {
      committed.complete(null);
    } else if (closed || !pending.offer(new Pending(rows, committed))) {
      committed.completeExceptionally(new IllegalStateException("the usage ledger is closed"));
    }
    return committed;
  }

  private void write() {
    while (!closed) {
      List<Pending> group = new ArrayList<>();
      try {
        Pending first = pending.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        group.add(first);
        pending.drainTo(group); // whoever arrived while the last group was committed
        ledger.record(sourcePrefix + groups.incrementAndGet(), sum(group));
        group.forEach(p -> p.committed().complete(null));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.warn("cannot record the usage of {} calls", group.size(), e);
        group.forEach(p -> p.committed().completeExceptionally(e));
      }
    }
  }

  private static List<UsageRow> sum(List<Pending> group) {
    Map<Key, double[]> sums = new LinkedHashMap<>();
    for (Pending call : group) {
      for (UsageRow row : call.rows()) {
        double[] sum =
            sums.computeIfAbsent(
                new Key(row.account(), row.period(), row.task(), row.model()), k -> new double[2]);
        sum[0] += row.requests();
        sum[1] += row.computeSeconds();
      }
    }
    List<UsageRow> rows = new ArrayList<>(sums.size());
    sums.forEach(
        (key, sum) ->
            rows.add(
                new UsageRow(
                    key.account(), key.period(), key.task(), key.model(), (long) sum[0], sum[1])));
    return rows;
  }

  @Override
  public void close() {
    closed = true;
    writer.interrupt();
    for (Pending left; (left = pending.poll()) != null; ) {
      left.committed()
          .completeExceptionally(new IllegalStateException("the front door is stopping"));
    }
  }
}
