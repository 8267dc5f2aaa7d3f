package co.backprop.store;

import co.backprop.contract.job.Job;
import co.backprop.contract.job.JobFailure;
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
  /** How claims share the workers between accounts, and how often a job is tried. */
  record Policy(int maxRunningPerAccount, int maxAttempts) {
    public static final Policy DEFAULT = new Policy(1, 3);

    public Policy {
      if (maxRunningPerAccount < 1 || maxAttempts < 1) {
        throw new IllegalArgumentException(
            "at least 1 running job per account and 1 attempt; got "
                + maxRunningPerAccount
                + " and "
                + maxAttempts);
      }
    }
  }

  /**
   * Queues a job; with an idempotency key the account used before, returns that job instead (or
   * throws {@link IdempotencyConflictException} when that job came from a different request).
   * Throws {@link CapReachedException} when the account already has {@code maxQueued} jobs waiting.
   */
  Job enqueue(Job.New job, int maxQueued);

  /** Queues a job with no cap on the account's waiting jobs. */
  default Job enqueue(Job.New job) {
    return enqueue(job, Integer.MAX_VALUE);
  }

  /**
   * Queues a job unless the account has one of the same spec still waiting, and then returns that
   * one instead. For jobs that read what they work on when they start (a model's build reads the
   * model's newest upload): one waiting job serves every request made before it starts, so repeated
   * requests queue at most one job each.
   */
  Job enqueueUnlessWaiting(Job.New job);

  Optional<Job> job(String id);

  /** The jobs of these ids that exist, in one read: how waiting callers learn which have ended. */
  List<Job> jobs(java.util.Collection<String> ids);

  /** An account's newest jobs, newest first, at most {@code limit}. */
  List<Job> jobsOf(String account, int limit);

  /** The job if this account owns it: another account's job does not exist for it. */
  default Optional<Job> job(String id, String account) {
    return job(id).filter(job -> job.account().equals(account));
  }

  /**
   * Claims a job for this worker until the lease ends: a queued one, or a running one whose lease
   * expired (its worker died). Accounts take turns (the one served longest ago first, its oldest
   * job first), an account at its running limit waits, and a job that has used its attempts fails
   * instead of being claimed again.
   */
  Optional<Job> claim(String worker, Duration lease, Policy policy);

  default Optional<Job> claim(String worker, Duration lease) {
    return claim(worker, lease, Policy.DEFAULT);
  }

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

  /**
   * Fails a job this worker holds, billing what it computed before failing.
   *
   * @param failure whose the failure is: how the front door answers a task call that ran as this
   *     job
   */
  boolean fail(
      String id,
      String worker,
      JobFailure failure,
      String message,
      String usageSource,
      List<UsageRow> usage);

  default boolean fail(String id, String worker, JobFailure failure, String message) {
    return fail(id, worker, failure, message, null, List.of());
  }

  /** Ends a job this worker stopped because its account cancelled it, billing what it computed. */
  boolean cancelled(String id, String worker, String usageSource, List<UsageRow> usage);

  default boolean cancelled(String id, String worker) {
    return cancelled(id, worker, null, List.of());
  }

  /**
   * Puts a job this worker holds back in the queue, the attempt not counted (the worker is
   * stopping).
   */
  boolean release(String id, String worker);

  /**
   * Cancels an account's job: a queued one at once, a running one when its worker next looks. Empty
   * when the account has no such job.
   */
  Optional<Job> cancel(String id, String account);
}
