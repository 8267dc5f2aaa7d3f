package co.backprop.outputs;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * One entry of an incremental output's log ({@link OutputLayout#LOG}): the committed run's version,
 * its folder, what it holds, and the field its rows' ids are in.
 *
 * @param kind a delta run's processed rows, or a snapshot of every current row
 * @param idField the result field or column holding each row's id
 */
public record RunCommit(
    int version, String folder, Kind kind, @JsonProperty("id_field") String idField) {
  public enum Kind {
    @JsonProperty("delta")
    DELTA,
    @JsonProperty("snapshot")
    SNAPSHOT
  }

  public RunCommit {
    Objects.requireNonNull(folder, "folder is null");
    Objects.requireNonNull(kind, "kind is null");
    Objects.requireNonNull(idField, "idField is null");
  }
}
