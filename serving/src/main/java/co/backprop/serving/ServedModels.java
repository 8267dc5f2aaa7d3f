package co.backprop.serving;

import co.backprop.contract.model.ModelCatalog;
import co.backprop.contract.model.ModelSpec;
import co.backprop.contract.model.ModelStore;
import co.backprop.contract.model.UserModel;
import co.backprop.contract.model.UserModels;
import co.backprop.contract.task.Task;
import co.backprop.engines.pipeline.PartitionPipeline;
import co.backprop.engines.runner.LoadedModel;
import co.backprop.engines.runner.ModelCache;
import co.backprop.engines.runner.ModelLoader;
import co.backprop.engines.runner.RunnerOptions;
import co.backprop.store.UploadedModels;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The models a serving process answers with: the catalog (bundled and fetched models) and each
 * account's uploads. Calls name a model as the API does; inside the process a model is keyed so
 * that two accounts' uploads of the same name never share a runner. Weights come from the same
 * per-JVM cache the Spark executors use.
 */
final class ServedModels implements PartitionPipeline.ModelSource {
  private static final Duration UPLOADS_FRESH = Duration.ofSeconds(5);

  /** A model resolved for one call: the key the pipeline groups by, and the name results carry. */
  record Resolved(String key, String name, ModelSpec spec) {}

  private record Uploads(List<UserModel> models, long readAt) {}

  private final ModelCatalog catalog;
  private final UploadedModels uploads;
  private final RunnerOptions options;
  private final Clock clock;
  private final Map<String, ModelSpec> byKey = new ConcurrentHashMap<>();
  private final Map<String, Uploads> uploadsByAccount = new ConcurrentHashMap<>();
  private final Set<String> loaded = ConcurrentHashMap.newKeySet();

  ServedModels(ModelStore store, UploadedModels uploads, RunnerOptions options, Clock clock) {
    this.catalog = ModelCatalog.bundled(store);
    this.uploads = uploads;
    this.options = options;
    this.clock = clock;
  }

  ModelCatalog catalog() {
    return catalog;
  }

  /**
   * The model of a call: the account's upload of that name, or the catalog's (defaults applied).
   *
   * @param upload the folder of the upload the front door cleared the call for, or null
   */
  Resolved resolve(String account, Task task, String name, String upload) {
    List<UserModel> own = uploads(account, false);
    if (upload != null && own.stream().noneMatch(m -> m.path().equals(upload))) {
      // Built or replaced since this process last read the account's uploads.
      own = uploads(account, true);
    }
    if (name != null && own.stream().anyMatch(m -> m.name().equals(name))) {
      ModelSpec spec = UserModels.catalog(catalog, own).resolve(task, name);
      // Keyed by its upload's folder too: an upload replacing it gets a runner of its own.
      String key = task.apiName() + "/" + account + "/" + name + "@" + spec.weights().location();
      return remember(new Resolved(key, name, spec));
    }
    ModelSpec spec = catalog.resolve(task, name);
    return remember(
        new Resolved(
            task.apiName() + "/" + spec.name(), name == null ? task.defaultModel() : name, spec));
  }

  private Resolved remember(Resolved resolved) {
    byKey.putIfAbsent(resolved.key(), resolved.spec());
    return resolved;
  }

  private List<UserModel> uploads(String account, boolean reread) {
    Uploads cached = uploadsByAccount.get(account);
    if (reread || cached == null || clock.millis() - cached.readAt() > UPLOADS_FRESH.toMillis()) {
      cached = new Uploads(uploads.models(account), clock.millis());
      uploadsByAccount.put(account, cached);
    }
    return cached.models();
  }

  /** Loads a model now (once per JVM), so its first call does not wait for it. */
  void load(Resolved resolved) {
    ModelLoader.requireSupported(resolved.spec());
    model(resolved.spec().task(), resolved.key());
  }

  @Override
  public LoadedModel model(Task task, String key) {
    ModelSpec spec = byKey.get(key);
    if (spec == null) {
      throw new IllegalStateException("no model was resolved under " + key);
    }
    LoadedModel model = ModelCache.get(spec, options, () -> {});
    loaded.add(spec.qualifiedName());
    return model;
  }

  /** The models loaded so far, as {@code task/name}. */
  List<String> loaded() {
    return List.copyOf(new TreeSet<>(loaded));
  }
}
