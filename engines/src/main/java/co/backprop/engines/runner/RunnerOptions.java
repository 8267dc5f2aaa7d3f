package co.backprop.engines.runner;

import ai.djl.Device;
import java.io.Serializable;

/**
 * How a model is run in one JVM: the device and the engine's intra-op threads. Part of the model
 * cache key, so one executor can hold the same model for two devices.
 *
 * @param device {@code cpu} or {@code gpu:N}
 * @param intraOpThreads threads one forward pass may use; concurrent tasks × this should not exceed
 *     the executor's cores
 */
public record RunnerOptions(String device, int intraOpThreads) implements Serializable {
  public RunnerOptions {
    if (!device.equals("cpu") && !device.matches("gpu:\\d+")) {
      throw new IllegalArgumentException("device must be cpu or gpu:N but got " + device);
    }
    if (intraOpThreads < 1) {
      throw new IllegalArgumentException(
          "intraOpThreads must be 1 or more but got " + intraOpThreads);
    }
  }

  public static RunnerOptions cpu(int intraOpThreads) {
    return new RunnerOptions("cpu", intraOpThreads);
  }

  /** The same options on another device (a Spark task's GPU). */
  public RunnerOptions onDevice(String other) {
    return other.equals(device) ? this : new RunnerOptions(other, intraOpThreads);
  }

  public Device djlDevice() {
    return device.equals("cpu") ? Device.cpu() : Device.gpu(Integer.parseInt(device.substring(4)));
  }
}
