package co.backprop.contract.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/** An uploaded model's build, as the API's /models report it: building, then success or fail. */
public enum BuildStatus {
  BUILDING,
  SUCCESS,
  FAIL;

  @JsonValue
  public String apiName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static BuildStatus fromApiName(String name) {
    return Arrays.stream(values())
        .filter(status -> status.apiName().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown build status '" + name + "'"));
  }
}
