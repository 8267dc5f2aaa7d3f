package co.backprop.common.model;

import java.nio.file.Path;

/**
 * Where fetched and uploaded models live: one folder per artifact, {@code {root}/{artifact}/}. A
 * folder appears only when its model is complete (fetches are staged and moved into place).
 */
public record ModelStore(Path root) {
  public ModelStore {
    root = root.toAbsolutePath().normalize();
  }

  /** {@code -Dbackprop.modelStore}, else {@code $BACKPROP_MODEL_STORE}, else ~/.backprop/models. */
  public static ModelStore fromEnvironment() {
    String configured = System.getProperty("backprop.modelStore", System.getenv("BACKPROP_MODEL_STORE"));
    return new ModelStore(
        configured != null ? Path.of(configured) : Path.of(System.getProperty("user.home"), ".backprop", "models"));
  }

  public Path folder(String artifact) {
    return root.resolve(artifact);
  }

  /** Where downloads wait until every file is there and checked. */
  public Path staging(String artifact) {
    return root.resolve(".staging").resolve(artifact);
  }
}
