package co.backprop.frontdoor.http;

import co.backprop.contract.job.Job;
import co.backprop.store.JobQueue;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waiting for jobs to end without a thread or a store read per waiting caller: one poller reads all
 * the jobs anyone waits for in one query, every {@code poll}, and completes their futures.
 */
public final class JobWaiter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JobWaiter.class);

  private final JobQueue queue;
  private final ScheduledExecutorService poller;
  private final Map<String, CompletableFuture<Job>> waiting = new ConcurrentHashMap<>();

  public JobWaiter(JobQueue queue, Duration poll) {
    this.queue = queue;
    this.poller =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "backprop-job-waiter");
              thread.setDaemon(true);
              return thread;
            });
    poller.scheduleWithFixedDelay(
        this::poll, poll.toMillis(), poll.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Completes with the job once it has ended, or with empty when {@code wait} passes first. */
  CompletableFuture<Optional<Job>> finished(String id, Duration wait) {
    CompletableFuture<Job> future = waiting.computeIfAbsent(id, k -> new CompletableFuture<>());
    return future
        .thenApply(Optional::of)
        .completeOnTimeout(Optional.empty(), wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void poll() {
    if (waiting.isEmpty()) {
      return;
    }
    try {
      List<Job> jobs = queue.jobs(waiting.keySet());
      for (Job job : jobs) {
        if (job.finished()) {
          CompletableFuture<Job> future = waiting.remove(job.id());
          if (future != null) {
            future.complete(job);
          }
        }
      }
      // An id with no job (never queued) is not waited for.
      waiting.keySet().removeIf(id -> jobs.stream().noneMatch(job -> job.id().equals(id)));
    } catch (RuntimeException e) {
      LOG.warn("cannot read waited-for jobs from the store: {}", e.getMessage());
    }
  }

  @Override
  public void close() {
    poller.shutdownNow();
  }
}
