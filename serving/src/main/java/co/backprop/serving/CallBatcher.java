package co.backprop.serving;

import co.backprop.contract.serving.ServingAnswer;
import co.backprop.engines.pipeline.BatchPolicy;
import co.backprop.engines.pipeline.CompletedRow;
import co.backprop.engines.pipeline.ItemResult;
import co.backprop.engines.pipeline.PartitionPipeline;
import co.backprop.engines.pipeline.PendingItem;
import co.backprop.engines.pipeline.PendingRow;
import co.backprop.engines.runner.ModelCache;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dynamic batching: concurrent calls wait in one bounded queue; each runner thread takes what is
 * waiting (after the first, a few milliseconds for company) and runs it through its own {@link
 * PartitionPipeline} as one window — grouped by model, sorted by length, cut into micro-batches
 * under the token budget, each row's compute its share by tokens — exactly as a Spark partition
 * runs. A full queue refuses at once: the front door queues the call as a job instead.
 */
final class CallBatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CallBatcher.class);

  /** How often the models whose files are gone are looked for. */
  private static final Duration SWEEP = Duration.ofSeconds(2);

  /** One call's items, and where its results go. */
  record Call(
      List<PendingItem> items, long deadlineMillis, CompletableFuture<List<ItemResult>> results) {}

  private final PartitionPipeline.ModelSource models;
  private final BatchPolicy policy;
  private final Duration gather;
  private final BlockingQueue<Call> queue;
  private final List<Thread> runners = new ArrayList<>();
  private final AtomicLong lastArrivalNanos = new AtomicLong(System.nanoTime());
  private final AtomicLong arrivalGapNanos = new AtomicLong(1_000_000_000L);
  private volatile boolean closed;

  /**
   * @param runners threads running batches (each with its own runners over the shared weights)
   * @param capacity calls that may wait; more are refused
   * @param gather how long a runner waits, after a first call, for more to batch with it (only
   *     while calls arrive faster than that)
   */
  CallBatcher(
      PartitionPipeline.ModelSource models,
      BatchPolicy policy,
      int runners,
      int capacity,
      Duration gather) {
    this.models = models;
    this.policy = policy;
    this.gather = gather;
    this.queue = new ArrayBlockingQueue<>(capacity);
    for (int i = 0; i < runners; i++) {
      Thread runner = new Thread(this::run, "backprop-serving-" + i);
      runner.setDaemon(true);
      this.runners.add(runner);
      runner.start();
    }
  }

  /** Queues a call; false when the queue is full. */
  boolean offer(Call call) {
    long now = System.nanoTime();
    long gap = now - lastArrivalNanos.getAndSet(now);
    // A moving average of the time between calls: how busy the process is right now.
    arrivalGapNanos.updateAndGet(average -> (average * 3 + Math.min(gap, 1_000_000_000L)) / 4);
    return !closed && queue.offer(call);
  }

  int waiting() {
    return queue.size();
  }

  private void run() {
    try (PartitionPipeline<Call> pipeline = new PartitionPipeline<>(models, policy)) {
      long sweptAt = System.nanoTime();
      while (!closed) {
        List<Call> batch = gather();
        if (System.nanoTime() - sweptAt > SWEEP.toNanos()) {
          // Windows retire models only when one loads: a process that loads nothing new (idle, or
          // busy with models it has) would otherwise hold a deleted upload's weights indefinitely.
          ModelCache.retireGone();
          pipeline.releaseRetired();
          sweptAt = System.nanoTime();
        }
        if (batch.isEmpty()) {
          continue;
        }
        List<PendingRow<Call>> rows = new ArrayList<>(batch.size());
        for (Call call : batch) {
          rows.add(new PendingRow<>(call, call.items()));
        }
        try {
          for (CompletedRow<Call> row : pipeline.runWindow(rows)) {
            row.carrier().results().complete(row.results());
          }
        } catch (RuntimeException | Error e) {
          LOG.warn("a batch of {} calls failed", batch.size(), e);
          batch.forEach(call -> call.results().completeExceptionally(e));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The first waiting call and all waiting with it; then, only when calls have been arriving faster
   * than {@link #gather} apart (many clients at once), more that arrive within that wait. A lone
   * client's call runs at once: waiting for company that is not coming would only slow it down.
   */
  private List<Call> gather() throws InterruptedException {
    Call first = queue.poll(500, TimeUnit.MILLISECONDS);
    List<Call> batch = new ArrayList<>();
    if (first == null) {
      return batch;
    }
    int items = add(batch, first);
    boolean busy = arrivalGapNanos.get() < gather.toNanos();
    long until = System.nanoTime() + (busy ? gather.toNanos() : 0);
    while (items < policy.windowRows()) {
      long left = until - System.nanoTime();
      Call next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
      if (next == null) {
        break;
      }
      items += add(batch, next);
    }
    return batch;
  }

  /** Adds a call still worth running; one whose caller stopped waiting is answered busy unrun. */
  private static int add(List<Call> batch, Call call) {
    if (System.currentTimeMillis() > call.deadlineMillis()) {
      call.results().completeExceptionally(new Expired());
      return 0;
    }
    batch.add(call);
    return call.items().size();
  }

  /** A call whose deadline passed before it ran. */
  static final class Expired extends RuntimeException {
    Expired() {
      super("the call waited past its deadline", null, false, false);
    }

    ServingAnswer answer() {
      return ServingAnswer.busy(getMessage());
    }
  }

  @Override
  public void close() {
    closed = true;
    runners.forEach(Thread::interrupt);
    for (Call call; (call = queue.poll()) != null; ) {
      call.results().complete(null);
    }
  }
}
