package co.backprop.jobs.spark;

import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/** The device a Spark task runs its models on: the GPU Spark gave it, else the CPU. */
public final class TaskDevices {
  /** Spark's name for the resource, as in {@code spark.task.resource.gpu.amount}. */
  public static final String GPU = "gpu";

  private TaskDevices() {}

  /**
   * {@code gpu:N} for a task holding GPU address N (the first, when it holds several), {@code cpu}
   * for a task without one or outside Spark.
   */
  public static String device(TaskContext task) {
    String address = gpuAddress(task);
    if (address == null) {
      return "cpu";
    }
    if (!address.matches("\\d+")) {
      throw new IllegalStateException(
          "the GPU discovery script gave address '"
              + address
              + "': use CUDA device ordinals (0, 1, ...), as conf/gpu-discovery.sh prints");
    }
    return "gpu:" + address;
  }

  /** The task's first GPU address, or null. */
  public static String gpuAddress(TaskContext task) {
    if (task == null) {
      return null;
    }
    ResourceInformation gpu = task.resourcesJMap().get(GPU);
    return gpu == null || gpu.addresses().length == 0 ? null : gpu.addresses()[0];
  }
}
