package co.backprop.contract.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/** Where a job is in its life: queued, running, then one of three ends. */
public enum JobStatus {
  QUEUED,
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED;

  /** {@code queued}, {@code running}, ...: how the API and the store spell it. */
  @JsonValue
  public String apiName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static JobStatus fromApiName(String name) {
    return Arrays.stream(values())
        .filter(status -> status.apiName().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown job status '" + name + "'"));
  }

  public boolean finished() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }
}
