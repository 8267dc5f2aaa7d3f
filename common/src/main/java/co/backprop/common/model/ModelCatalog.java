package co.backprop.common.model;

import co.backprop.common.task.Json;
import co.backprop.common.task.Task;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The models this deployment knows, by (task, name). The source of truth is {@code
 * conf/models.json}; the build copies it into the application jar so spark-submit finds it too.
 */
public final class ModelCatalog {
  /** Where the build puts conf/models.json inside the jar. */
  public static final String BUNDLED_RESOURCE = "backprop/models.json";

  private final Map<String, ModelSpec> byQualifiedName;
  private final List<ModelSpec> ordered;

  public ModelCatalog(List<ModelSpec> models) {
    Map<String, ModelSpec> index = new LinkedHashMap<>();
    for (ModelSpec model : models) {
      if (index.put(model.qualifiedName(), model) != null) {
        throw new ModelException(
            ModelException.Kind.BAD_CATALOG, "the catalog lists " + model.qualifiedName() + " twice");
      }
    }
    this.byQualifiedName = Map.copyOf(index);
    this.ordered = List.copyOf(index.values());
  }

  private record CatalogFile(@JsonProperty("models") List<ModelSpec> models) {}

  /** The catalog bundled in the application jar. */
  public static ModelCatalog bundled() {
    try (InputStream in = ModelCatalog.class.getClassLoader().getResourceAsStream(BUNDLED_RESOURCE)) {
      if (in == null) {
        throw new ModelException(
            ModelException.Kind.BAD_CATALOG,
            "no model catalog on the classpath at "
                + BUNDLED_RESOURCE
                + "; the application jar is incomplete (rebuild with mvn package)");
      }
      return parse(in, "classpath:" + BUNDLED_RESOURCE);
    } catch (IOException e) {
      throw new ModelException(ModelException.Kind.BAD_CATALOG, "cannot read the bundled catalog", e);
    }
  }

  public static ModelCatalog load(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return parse(in, file.toString());
    } catch (IOException e) {
      throw new ModelException(ModelException.Kind.BAD_CATALOG, "cannot read the model catalog " + file, e);
    }
  }

  private static ModelCatalog parse(InputStream in, String source) {
    CatalogFile file;
    try {
      file = Json.MAPPER.readValue(in, CatalogFile.class);
    } catch (IOException e) {
      throw new ModelException(
          ModelException.Kind.BAD_CATALOG, "the model catalog " + source + " is invalid: " + e.getMessage(), e);
    }
    if (file.models() == null) {
      throw new ModelException(ModelException.Kind.BAD_CATALOG, "the model catalog " + source + " has no 'models' list");
    }
    return new ModelCatalog(file.models());
  }

  public List<ModelSpec> all() {
    return ordered;
  }

  public List<String> namesFor(Task task) {
    return ordered.stream().filter(m -> m.task() == task).map(ModelSpec::name).toList();
  }

  /** The model, or a {@link ModelException} listing the names known for that task. */
  public ModelSpec resolve(Task task, String name) {
    String modelName = name == null ? task.defaultModel() : name;
    ModelSpec spec = byQualifiedName.get(task.apiName() + "/" + modelName);
    if (spec == null) {
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
              + (known.isEmpty() ? "none yet" : known.stream().collect(Collectors.joining(", "))));
    }
    return spec;
  }
}
