package co.backprop.engines.runner;

import ai.djl.engine.Engine;
import co.backprop.contract.model.ModelException;

/**
 * What DJL's engines can see of this machine's GPUs, and the error when a task's GPU is not usable.
 */
public final class GpuEngines {
  /** Where a GPU cluster's settings are written down. */
  public static final String HOW_TO = "docs/gpu.md";

  private GpuEngines() {}

  /**
   * GPUs the engine (OnnxRuntime, PyTorch) can run on in this JVM; 0 without its CUDA build or a
   * driver.
   */
  public static int gpuCount(String engine) {
    try {
      return Engine.getEngine(engine).getGpuCount();
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      return 0;
    }
  }

  /** Fails, naming the device, the engine and the fix, unless the engine can run on the device. */
  public static void requireUsable(String model, String engine, RunnerOptions options) {
    if (options.device().equals("cpu")) {
      return;
    }
    int index = Integer.parseInt(options.device().substring("gpu:".length()));
    int visible = gpuCount(engine);
    if (index >= visible) {
      throw new ModelException(
          ModelException.Kind.LOAD_FAILED,
          "model " + model + ": " + noGpuMessage(engine, options.device(), visible));
    }
  }

  public static String noGpuMessage(String engine, String device, int visible) {
    return "this task was given "
        + device
        + " by Spark, but the "
        + engine
        + " engine in this executor sees "
        + visible
        + " GPU"
        + (visible == 1 ? "" : "s")
        + ": it is not a CUDA build or the machine has no CUDA driver. The job does not fall "
        + "back to the CPU. On a GPU cluster put the CUDA engines on the executors' classpath ("
        + (engine.equals("PyTorch")
            ? "ai.djl.pytorch:pytorch-native-cu124 instead of pytorch-native-cpu"
            : "com.microsoft.onnxruntime:onnxruntime_gpu instead of onnxruntime, with CUDA 12 and"
                + " cuDNN 9")
        + "; see "
        + HOW_TO
        + "), or drop the GPU settings to run on CPUs";
  }
}
