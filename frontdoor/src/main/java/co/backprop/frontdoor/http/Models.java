package co.backprop.frontdoor.http;

import co.backprop.contract.model.BuildStatus;
import co.backprop.contract.model.ModelCatalog;
import co.backprop.contract.model.ModelException;
import co.backprop.contract.model.ModelFiles;
import co.backprop.contract.model.ModelSpec;
import co.backprop.contract.model.ModelStore;
import co.backprop.contract.model.UserModel;
import co.backprop.contract.model.UserModels;
import co.backprop.contract.task.Task;
import co.backprop.store.UploadedModels;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The models an account can call: the global catalog and its own built uploads. */
public final class Models {
  private final UploadedModels uploaded;
  private final ModelCatalog global;

  public Models(UploadedModels uploaded, Path globalStore) {
    this.uploaded = uploaded;
    this.global = ModelCatalog.bundled(new ModelStore(globalStore)); // read once: it is in the jar
  }

  public ModelCatalog global() {
    return global;
  }

  /**
   * Checks before queueing that (task, model) can run for the account: a 400 naming the model when
   * it is unknown or still building, a 503 when the catalog knows it but it is not installed here.
   *
   * @return the account's upload the call runs on, or empty for a global model
   */
  Optional<UserModel> requireCallable(String account, Task task, String model) {
    Optional<UserModel> own = model == null ? Optional.empty() : uploaded.model(account, model);
    if (own.isPresent()) {
      if (!own.get().does(task)) {
        throw ApiException.badRequest(
            "model: your model '"
                + model
                + "' does not do "
                + task.apiName()
                + "; it does "
                + own.get().tasks());
      }
      if (own.get().buildStatus() != BuildStatus.SUCCESS) {
        throw ApiException.badRequest(
            "model: your model '"
                + model
                + "' is not built (build_status "
                + own.get().buildStatus().apiName()
                + ")");
      }
      return own;
    }
    ModelSpec spec;
    try {
      spec = global().resolve(task, model);
    } catch (ModelException e) {
      throw ApiException.badRequest("model: " + e.getMessage());
    }
    // Bundled models are in the workers' jar, not in this (engine-free) one: trust the catalog.
    if (!spec.location().startsWith("classpath:") && !ModelFiles.isInstalled(spec)) {
      // Where the server looked is the operator's business: the client learns what is missing.
      throw new ApiException(
          503,
          "model: "
              + spec.qualifiedName()
              + " is not installed on this server; the operator installs it with: bin/backprop"
              + " models fetch "
              + spec.artifact());
    }
    return Optional.empty();
  }

  List<UserModel> uploaded(String account) {
    return uploaded.models(account);
  }

  /** The global catalog with the account's models, as its jobs see it. */
  ModelCatalog forAccount(String account) {
    return UserModels.catalog(global(), uploaded.models(account));
  }
}
