package co.backprop.jobs.spark;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * Counters the executors report to the driver while the job runs: input rows done (for progress)
 * and model loads with the executor that loaded (to show the model is loaded once per JVM). The
 * job's figures for billing and summaries come from the written results, not from these.
 */
public final class JobAccumulators implements Serializable {
  /** The name the progress listener looks for in task updates and heartbeats. */
  public static final String ROWS_DONE = "backprop.rows.done";

  private final LongAccumulator rowsDone;
  private final CollectionAccumulator<String> modelLoads;

  public JobAccumulators(JavaSparkContext context) {
    this.rowsDone = context.sc().longAccumulator(ROWS_DONE);
    this.modelLoads = context.sc().collectionAccumulator("backprop.model.loads");
  }

  void rowDone() {
    rowsDone.add(1);
  }

  void modelLoaded(String model, String device) {
    SparkEnv env = SparkEnv.get();
    String executor = env == null ? "driver" : env.executorId();
    modelLoads.add(
        model
            + (device.equals("cpu") ? "" : " on " + device)
            + " on executor "
            + executor
            + " (pid "
            + ProcessHandle.current().pid()
            + ")");
  }

  public long rowsDoneId() {
    return rowsDone.id();
  }

  /** Rows done by finished tasks, as merged on the driver. */
  public long rowsDone() {
    return rowsDone.value();
  }

  /** One entry per model load: which model, on which executor JVM. */
  public List<String> modelLoads() {
    return List.copyOf(modelLoads.value());
  }
}
