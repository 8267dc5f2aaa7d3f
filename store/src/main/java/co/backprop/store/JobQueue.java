package co.backprop.store;

import co.backprop.contract.job.Job;
import co.backprop.contract.usage.UsageRow;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The jobs and their leases. A worker claims a job with a lease it renews; an expired lease puts
 * the job back in the queue; only the lease holder can finish a job, and a success records the
 * job's usage in the same transaction, so a job completes and bills once.
 */
public interface JobQueue {
  /** Queues a job; with an idempotency key the account used before, returns that job instead. */
  Job enqueue(Job.New job);

  Optional<Job> job(String id);

  /** The job if this account owns it: another account's job does not exist for it. */
  default Optional<Job> job(String id, String account) {
    return job(id).filter(job -> job.account().equals(account));
  }

  /**
   * Claims the oldest queued job, or a running one whose lease expired (its worker died), for this
   * worker until the lease ends.
   */
  Optional<Job> claim(String worker, Duration lease);

  /**
   * Extends the lease and records progress ({@code total} 0 when not known yet); false when this
   * worker lost the job.
   */
  boolean renew(String id, String worker, Duration lease, long done, long total);

  /**
   * Finishes a job this worker holds and records its usage under {@code usageSource}, in one
   * transaction: false (nothing recorded) when the lease was lost to another worker.
   */
  boolean succeed(
      String id, String worker, Job.Outcome outcome, String usageSource, List<UsageRow> usage);

  boolean fail(String id, String worker, String message);

  /** Ends a job this worker stopped because its account cancelled it. */
  boolean cancelled(String id, String worker);

  /**
   * Cancels an account's job: a queued one at once, a running one when its worker next looks. Empty
   * when the account has no such job.
   */
  Optional<Job> cancel(String id, String account);
}
