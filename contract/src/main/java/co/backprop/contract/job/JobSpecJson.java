package co.backprop.contract.job;

import co.backprop.contract.task.Json;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * The one place a {@link JobSpec} becomes text and back: {@code {"version": 1, "spec": {"kind":
 * "batch", ...}}}. A reader refuses a version newer than it knows, so an old worker never runs a
 * job it would misread.
 */
public final class JobSpecJson {
  /**
   * The version this code writes; bump it when a spec changes in a way old readers would misread.
   */
  public static final int VERSION = 1;

  private record Envelope(
      @JsonProperty("version") int version, @JsonProperty("spec") JobSpec spec) {}

  private JobSpecJson() {}

  public static String write(JobSpec spec) {
    try {
      return Json.MAPPER.writeValueAsString(new Envelope(VERSION, spec));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a job spec cannot be written as JSON: " + spec, e);
    }
  }

  /** The spec, checked again as it is rebuilt; a newer version or a damaged text is an error. */
  public static JobSpec read(String json) {
    Envelope envelope;
    try {
      envelope = Json.MAPPER.readValue(json, Envelope.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "a stored job spec is not valid: " + e.getOriginalMessage(), e);
    }
    if (envelope.version() > VERSION) {
      throw new IllegalArgumentException(
          "a stored job spec has version "
              + envelope.version()
              + ", newer than this program's "
              + VERSION
              + ": upgrade it");
    }
    if (envelope.spec() == null) {
      throw new IllegalArgumentException("a stored job spec has no spec");
    }
    return envelope.spec();
  }
}
