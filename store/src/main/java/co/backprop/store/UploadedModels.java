package co.backprop.store;

import co.backprop.contract.model.UserModel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The models accounts uploaded, and the one-time tokens of upload URLs. */
public interface UploadedModels {
  /** Who may upload which model with a token. */
  record Upload(String account, String model) {}

  /** Adds the model, or replaces the account's model of that name. */
  void save(UserModel model);

  /**
   * Records a build's outcome on the upload it built (the same account, name and folder): false,
   * and nothing written, when that upload was replaced or deleted while it was building.
   */
  boolean recordBuild(UserModel built);

  Optional<UserModel> model(String account, String name);

  List<UserModel> models(String account);

  boolean delete(String account, String name);

  /**
   * A token for one upload of a model, valid for {@code validity}; throws {@link
   * CapReachedException} when the account already holds {@code maxOpen} unused, unexpired ones.
   */
  String createUpload(String account, String model, Duration validity, int maxOpen);

  /** The upload of a token still valid, leaving it valid: for checks that may refuse the upload. */
  Optional<Upload> upload(String token);

  /** The upload of a token still valid, which it uses up: a token works once, even when raced. */
  Optional<Upload> useUpload(String token);
}
