package co.backprop.jobs.worker;

import static org.assertj.core.api.Assertions.assertThat;

import co.backprop.contract.job.JobSpec;
import co.backprop.contract.model.BuildStatus;
import co.backprop.contract.model.ModelStore;
import co.backprop.contract.model.UserModel;
import co.backprop.store.Store;
import co.backprop.store.UploadedModels;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A build records its outcome on the upload it built and on no other. The uploads here have no
 * files, so every build fails; what matters is where the failure is written.
 */
class ModelBuildTest {
  @TempDir Path data;

  private UserModel upload(String folder) {
    return new UserModel(
        "acme",
        "moods",
        "",
        List.of("emotion"),
        BuildStatus.BUILDING,
        "queued for building",
        Instant.parse("2026-12-04T10:00:00Z"),
        data.resolve("user-models/acme/moods").resolve(folder).toString());
  }

  @Test
  void aBuildRecordsItsOutcomeOnTheUpload() {
    try (Store store = Store.forDataFolder(data, null)) {
      store.models().save(upload("first"));
      String message = build(store.models());
      UserModel recorded = store.models().model("acme", "moods").orElseThrow();
      assertThat(recorded.buildStatus()).isEqualTo(BuildStatus.FAIL);
      assertThat(recorded.buildMessage()).isEqualTo(message).startsWith("the model could not be");
    }
  }

  @Test
  void anUploadMadeWhileAnotherBuildsKeepsItsOwnRecord() {
    try (Store store = Store.forDataFolder(data, null)) {
      store.models().save(upload("first"));
      UserModel second = upload("second");
      // The second upload lands just after the build read the first.
      UploadedModels uploadedDuringTheBuild =
          new Forwarding(store.models()) {
            @Override
            public Optional<UserModel> model(String account, String name) {
              Optional<UserModel> read = super.model(account, name);
              save(second);
              return read;
            }
          };
      String message = build(uploadedDuringTheBuild);
      assertThat(message).startsWith("not recorded: the model was uploaded again or deleted");
      assertThat(store.models().model("acme", "moods")).contains(second);
    }
  }

  private String build(UploadedModels uploaded) {
    return new ModelBuild(uploaded, new ModelStore(data.resolve("models").toString()))
        .build("acme", new JobSpec.ModelBuild("moods"));
  }

  /** The store's models, each call passed on. */
  private static class Forwarding implements UploadedModels {
    private final UploadedModels store;

    Forwarding(UploadedModels store) {
      this.store = store;
    }

    @Override
    public void save(UserModel model) {
      store.save(model);
    }

    @Override
    public boolean recordBuild(UserModel built) {
      return store.recordBuild(built);
    }

    @Override
    public Optional<UserModel> model(String account, String name) {
      return store.model(account, name);
    }

    @Override
    public List<UserModel> models(String account) {
      return store.models(account);
    }

    @Override
    public boolean delete(String account, String name) {
      return store.delete(account, name);
    }

    @Override
    public String createUpload(String account, String model, Duration validity, int maxOpen) {
      return store.createUpload(account, model, validity, maxOpen);
    }

    @Override
    public Optional<Upload> upload(String token) {
      return store.upload(token);
    }

    @Override
    public Optional<Upload> useUpload(String token) {
      return store.useUpload(token);
    }
  }
}
