package co.backprop.jobs.spark;

import co.backprop.contract.UserError;

/** A job told to run on GPUs that it cannot use: a setting to fix, said before any model runs. */
public final class GpuUnavailableException extends RuntimeException implements UserError {
  GpuUnavailableException(String message) {
    super(message);
  }
}
