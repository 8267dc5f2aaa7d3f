package co.backprop.contract.model;

import co.backprop.contract.task.Json;
import co.backprop.contract.task.Task;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The models this deployment knows, by (task, name), and the artifacts (sets of files) they run on.
 * Artifacts live in the application jar ({@code classpath:}) or in the model store, where {@code
 * models fetch} installs them. The source of truth is {@code conf/models.json}; the build copies it
 * into the jar so spark-submit finds it too.
 */
public final class ModelCatalog {
  /** Where the build puts conf/models.json inside the jar. */
  public static final String BUNDLED_RESOURCE = "backprop/models.json";

  /** A public file of an artifact: where to download it and, where known, its size and digest. */
  public record Download(String url, String sha256, Long size) {}

  /**
   * A set of files models run on.
   *
   * @param location {@code classpath:} or {@code store} (the model store's folder of this artifact)
   * @param size approximate bytes, shown before it is installed
   */
  public record Artifact(
      String description,
      String engine,
      String location,
      Map<String, String> files,
      Map<String, Download> download,
      Long size,
      String install) {
    public Artifact {
      engine = engine == null ? "OnnxRuntime" : engine;
      download = download == null ? Map.of() : download;
    }
  }

  /**
   * One (task, name) of the catalog.
   *
   * @param prefer another entry of the same task to serve this name instead, when it is installed
   */
  public record Entry(
      Task task,
      String name,
      ModelKind kind,
      String artifact,
      String description,
      Map<String, String> options,
      String prefer) {}

  private record CatalogFile(
      @JsonProperty("artifacts") Map<String, Artifact> artifacts,
      @JsonProperty("models") List<Entry> models) {}

  private final Map<String, Artifact> artifacts;
  private final Map<String, Entry> entries;
  private final ModelStore store;

  public ModelCatalog(Map<String, Artifact> artifacts, List<Entry> models, ModelStore store) {
    this.artifacts = Map.copyOf(artifacts);
    this.store = store;
    Map<String, Entry> index = new LinkedHashMap<>();
    for (Entry entry : models) {
      String name = entry.task().apiName() + "/" + entry.name();
      if (index.put(name, entry) != null) {
        throw new ModelException(
            ModelException.Kind.BAD_CATALOG, "the catalog lists " + name + " twice");
      }
      if (!artifacts.containsKey(entry.artifact())) {
        throw new ModelException(
            ModelException.Kind.BAD_CATALOG,
            name
                + " runs on the artifact '"
                + entry.artifact()
                + "', which the catalog does not list");
      }
    }
    this.entries = java.util.Collections.unmodifiableMap(index);
  }

  /** The catalog bundled in the application jar, with the model store of this environment. */
  public static ModelCatalog bundled() {
    return bundled(ModelStore.fromEnvironment());
  }

  public static ModelCatalog bundled(ModelStore store) {
    try (InputStream in =
        ModelCatalog.class.getClassLoader().getResourceAsStream(BUNDLED_RESOURCE)) {
      if (in == null) {
        throw new ModelException(
            ModelException.Kind.BAD_CATALOG,
            "no model catalog on the classpath at "
                + BUNDLED_RESOURCE
                + "; the application jar is incomplete (rebuild with mvn package)");
      }
      return parse(in, "classpath:" + BUNDLED_RESOURCE, store);
    } catch (IOException e) {
      throw new ModelException(
          ModelException.Kind.BAD_CATALOG, "cannot read the bundled catalog", e);
    }
  }

  public static ModelCatalog load(Path file, ModelStore store) {
    try (InputStream in = Files.newInputStream(file)) {
      return parse(in, file.toString(), store);
    } catch (IOException e) {
      throw new ModelException(
          ModelException.Kind.BAD_CATALOG, "cannot read the model catalog " + file, e);
    }
  }

  private static ModelCatalog parse(InputStream in, String source, ModelStore store) {
    CatalogFile file;
    try {
      file = Json.MAPPER.readValue(in, CatalogFile.class);
    } catch (IOException e) {
      throw new ModelException(
          ModelException.Kind.BAD_CATALOG,
          "the model catalog " + source + " is invalid: " + e.getMessage(),
          e);
    }
    if (file.models() == null || file.artifacts() == null) {
      throw new ModelException(
          ModelException.Kind.BAD_CATALOG,
          "the model catalog " + source + " needs 'artifacts' and 'models'");
    }
    return new ModelCatalog(file.artifacts(), file.models(), store);
  }

  public ModelStore store() {
    return store;
  }

  /** This catalog with more artifacts and entries (an account's uploaded models). */
  public ModelCatalog withExtra(Map<String, Artifact> moreArtifacts, List<Entry> moreEntries) {
    Map<String, Artifact> allArtifacts = new LinkedHashMap<>(artifacts);
    allArtifacts.putAll(moreArtifacts);
    List<Entry> allEntries = new java.util.ArrayList<>(entries.values());
    allEntries.addAll(moreEntries);
    return new ModelCatalog(allArtifacts, allEntries, store);
  }

  /** Every entry, resolved as named (no preference applied), in catalog order. */
  public List<ModelSpec> all() {
    return entries.values().stream().map(this::spec).toList();
  }

  public List<String> namesFor(Task task) {
    return entries.values().stream().filter(e -> e.task() == task).map(Entry::name).toList();
  }

  public Map<String, Artifact> artifacts() {
    return artifacts;
  }

  public Artifact artifact(String name) {
    Artifact artifact = artifacts.get(name);
    if (artifact == null) {
      throw new ModelException(
          ModelException.Kind.UNKNOWN_MODEL,
          "unknown artifact '"
              + name
              + "'; the catalog's artifacts are "
              + String.join(", ", artifacts.keySet()));
    }
    return artifact;
  }

  /**
   * The model serving (task, name): the entry itself, or the one it prefers when that one is
   * installed. Unknown names throw a {@link ModelException} listing the names known for the task.
   */
  public ModelSpec resolve(Task task, String name) {
    String modelName = name == null ? task.defaultModel() : name;
    Entry entry = entries.get(task.apiName() + "/" + modelName);
    if (entry == null) {
      List<String> known = namesFor(task);
      throw new ModelException(
          ModelException.Kind.UNKNOWN_MODEL,
          "unknown model '"
              + modelName
              + "' for "
              + task.apiName()
              + "; known models for "
              + task.apiName()
              + ": "
              + (known.isEmpty() ? "none yet" : String.join(", ", known)));
    }
    if (entry.prefer() != null) {
      ModelSpec preferred = spec(entries.get(task.apiName() + "/" + entry.prefer()));
      if (ModelFiles.isInstalled(preferred)) {
        return preferred;
      }
    }
    return spec(entry);
  }

  private ModelSpec spec(Entry entry) {
    Artifact artifact = artifacts.get(entry.artifact());
    boolean inStore = artifact.location().equals("store");
    String location = inStore ? store.location(entry.artifact()) : artifact.location();
    String install =
        inStore && !artifact.download().isEmpty()
            ? "bin/backprop models fetch " + entry.artifact() + " --model-store " + store.root()
            : String.valueOf(artifact.install()).replace("STORE", store.root());
    return new ModelSpec(
        entry.task(),
        entry.name(),
        entry.kind(),
        artifact.engine(),
        entry.description() != null ? entry.description() : artifact.description(),
        entry.artifact(),
        location,
        artifact.files(),
        entry.options(),
        install);
  }
}
