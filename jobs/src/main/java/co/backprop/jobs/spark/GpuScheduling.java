package co.backprop.jobs.spark;

import co.backprop.engines.runner.GpuEngines;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * GPU scheduling rules, checked before any model runs: GPU settings need a cluster master, and a
 * job given GPUs (or told --require-gpu) runs on them or fails at once, never silently on CPUs.
 */
public final class GpuScheduling {
  public static final String TASK_AMOUNT = "spark.task.resource.gpu.amount";
  public static final String EXECUTOR_AMOUNT = "spark.executor.resource.gpu.amount";

  private GpuScheduling() {}

  /**
   * Refuses GPU resource settings with a {@code local[...]} master, on which Spark waits forever.
   */
  public static void requireClusterMaster(SparkConf conf) {
    String master = conf.get("spark.master", "");
    boolean local = master.equals("local") || master.startsWith("local[");
    if (local && (conf.contains(TASK_AMOUNT) || conf.contains(EXECUTOR_AMOUNT))) {
      throw new IllegalArgumentException(
          "GPU settings ("
              + (conf.contains(TASK_AMOUNT) ? TASK_AMOUNT : EXECUTOR_AMOUNT)
              + ") need a cluster master "
              + "(spark://..., yarn, k8s://...; local-cluster[...] in tests): with --master "
              + master
              + " Spark schedules no task and waits forever. Drop them to run on CPUs here, or see "
              + GpuEngines.HOW_TO);
    }
  }

  /**
   * What one probe task saw: where it ran, the device of the GPU Spark gave it and the GPUs each
   * engine sees.
   */
  public record TaskDevice(String executor, String device, Map<String, Integer> engineGpus)
      implements Serializable {
    /** Why this task could not run on its GPU, or null when it can. */
    String problem() {
      if (device.equals("cpu")) {
        return "a task on executor " + executor + " got no GPU address";
      }
      int index = Integer.parseInt(device.substring("gpu:".length()));
      for (Map.Entry<String, Integer> engine : engineGpus.entrySet()) {
        if (index >= engine.getValue()) {
          return "executor "
              + executor
              + ": "
              + GpuEngines.noGpuMessage(engine.getKey(), device, engine.getValue());
        }
      }
      return null;
    }
  }

  /** Runs {@code tasks} one-row tasks that report their GPU and what the engines see. */
  public static List<TaskDevice> probe(JavaSparkContext context, int tasks, Set<String> engines) {
    List<String> engineList = List.copyOf(engines);
    return context
        .parallelize(IntStream.range(0, tasks).boxed().toList(), tasks)
        .map(
            i -> {
              Map<String, Integer> gpus = new LinkedHashMap<>();
              for (String engine : engineList) {
                gpus.put(engine, GpuEngines.gpuCount(engine));
              }
              String executor = SparkEnv.get() == null ? "driver" : SparkEnv.get().executorId();
              return new TaskDevice(executor, TaskDevices.device(TaskContext.get()), gpus);
            })
        .collect();
  }

  /**
   * Checks the job can run as configured and says on what: {@code cpu}, or the GPUs the probe tasks
   * were given. Without GPU settings nothing runs (unless --require-gpu, which then fails).
   */
  public static String check(JavaSparkContext context, Set<String> engines, boolean requireGpu) {
    SparkConf conf = context.getConf();
    if (!conf.contains(TASK_AMOUNT)) {
      if (requireGpu) {
        throw new GpuUnavailableException(
            "--require-gpu: this Spark application gives its tasks no GPU. Set "
                + EXECUTOR_AMOUNT
                + ", "
                + TASK_AMOUNT
                + " and spark.executor.resource.gpu.discoveryScript (conf/spark-defaults-gpu.conf)"
                + " on a GPU cluster; see "
                + GpuEngines.HOW_TO);
      }
      return "cpu";
    }
    List<TaskDevice> seen = probe(context, Math.max(1, context.defaultParallelism()), engines);
    List<String> problems = new ArrayList<>();
    seen.stream().map(TaskDevice::problem).filter(p -> p != null).distinct().forEach(problems::add);
    if (!problems.isEmpty()) {
      throw new GpuUnavailableException(
          "GPU check failed before any model ran ("
              + TASK_AMOUNT
              + "="
              + conf.get(TASK_AMOUNT)
              + "): "
              + String.join("; ", problems));
    }
    return seen.stream()
        .map(t -> t.device() + " on executor " + t.executor())
        .distinct()
        .sorted()
        .toList()
        .toString();
  }
}
