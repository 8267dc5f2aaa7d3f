package co.backprop.contract.model;

import static java.util.Objects.requireNonNull;

import co.backprop.contract.task.Task;
import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One catalog entry resolved against its artifact: everything an executor needs to load a model,
 * and small enough to broadcast.
 *
 * @param artifact the name of the files' set in the catalog (what {@code models fetch} installs)
 * @param location where {@code files} are: {@code classpath:} (resources of the application jar) or
 *     a folder
 * @param files role → file name, e.g. {@code model → all-minilm-l6-v2.onnx}
 * @param options kind-specific settings, e.g. {@code maxLength}
 * @param install what a user runs to make a missing model available
 */
public record ModelSpec(
    Task task,
    String name,
    ModelKind kind,
    String engine,
    String description,
    String artifact,
    String location,
    Map<String, String> files,
    Map<String, String> options,
    String install)
    implements Serializable {

  public ModelSpec {
    requireNonNull(task, "task is null");
    requireNonNull(name, "name is null");
    requireNonNull(kind, "kind is null");
    requireNonNull(engine, "engine is null");
    requireNonNull(location, "location is null");
    // Insertion order kept: messages list files as the catalog does.
    files =
        Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(files, "files is null")));
    options =
        options == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(options));
    description = description == null ? "" : description;
    install = install == null ? "" : install;
    artifact = artifact == null ? name : artifact;
  }

  /** What identifies the weights in memory: specs that share it share one loaded copy. */
  public record Weights(String engine, String location, Map<String, String> files)
      implements Serializable {}

  public Weights weights() {
    return new Weights(engine, location, files);
  }

  /** {@code text-vectorisation/english}: how messages and logs name a model. */
  public String qualifiedName() {
    return task.apiName() + "/" + name;
  }

  public String file(String role) {
    String file = files.get(role);
    if (file == null) {
      throw new ModelException(
          ModelException.Kind.BAD_CATALOG,
          "model " + qualifiedName() + " names no '" + role + "' file; it has " + files.keySet());
    }
    return file;
  }

  public int intOption(String key, int defaultValue) {
    String value = options.get(key);
    if (value == null) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new ModelException(
          ModelException.Kind.BAD_CATALOG,
          "model "
              + qualifiedName()
              + ": option "
              + key
              + " must be an integer but got '"
              + value
              + "'",
          e);
    }
  }

  public String option(String key, String defaultValue) {
    return options.getOrDefault(key, defaultValue);
  }
}
