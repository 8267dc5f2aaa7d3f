package co.backprop.jobs.spark;

import co.backprop.contract.model.ModelSpec;
import co.backprop.engines.pipeline.CompletedRow;
import co.backprop.engines.pipeline.PartitionPipeline;
import co.backprop.engines.pipeline.PendingRow;
import co.backprop.engines.runner.ModelCache;
import co.backprop.engines.runner.RunnerOptions;
import co.backprop.jobs.input.JobPlan;
import java.io.Serializable;
import java.util.Iterator;
import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.TaskCompletionListener;

/**
 * Runs one Spark partition through the pipeline on the executor: models come from the executor's
 * {@link ModelCache} (loaded once per JVM from the broadcast spec, shared by concurrent tasks); the
 * partition's runners are closed when the task ends, even when it fails.
 */
public final class PartitionRunner implements Serializable {
  private final Broadcast<JobPlan> plan;
  private final JobAccumulators accumulators;

  public PartitionRunner(Broadcast<JobPlan> plan, JobAccumulators accumulators) {
    this.plan = plan;
    this.accumulators = accumulators;
  }

  public JobPlan plan() {
    return plan.value();
  }

  /**
   * Loads the plan's models into this JVM's cache before the first task asks for them. On a local
   * master the driver is the executor: called on a thread of its own, the load overlaps the
   * driver's planning, and the first task finds the model ready (or waits for the load under way).
   */
  public void preload() {
    JobPlan jobPlan = plan.value();
    RunnerOptions options = jobPlan.runnerOptions().onDevice(TaskDevices.device(null));
    for (ModelSpec spec : new java.util.LinkedHashSet<>(jobPlan.models().values())) {
      ModelCache.get(
          spec, options, () -> accumulators.modelLoaded(spec.qualifiedName(), options.device()));
    }
  }

  public <C> Iterator<CompletedRow<C>> run(Iterator<PendingRow<C>> rows) {
    JobPlan jobPlan = plan.value();
    TaskContext task = TaskContext.get();
    // Concurrent tasks on one executor may hold different GPUs: the cache keeps one model per
    // device.
    RunnerOptions options = jobPlan.runnerOptions().onDevice(TaskDevices.device(task));
    PartitionPipeline<C> pipeline =
        new PartitionPipeline<>(
            (modelTask, name) -> {
              ModelSpec spec = jobPlan.model(modelTask, name);
              return ModelCache.get(
                  spec,
                  options,
                  () -> accumulators.modelLoaded(spec.qualifiedName(), options.device()));
            },
            jobPlan.batchPolicy(),
            jobPlan.budget());
    if (task != null) {
      task.addTaskCompletionListener((TaskCompletionListener) context -> pipeline.close());
    }
    Iterator<CompletedRow<C>> completed = pipeline.process(rows);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return completed.hasNext();
      }

      @Override
      public CompletedRow<C> next() {
        CompletedRow<C> row = completed.next();
        accumulators.rowDone();
        return row;
      }
    };
  }
}
