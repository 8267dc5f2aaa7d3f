package co.backprop.serving;

import static org.assertj.core.api.Assertions.assertThat;

import co.backprop.contract.model.BuildStatus;
import co.backprop.contract.model.ModelStore;
import co.backprop.contract.model.UserModel;
import co.backprop.contract.task.Task;
import co.backprop.engines.runner.RunnerOptions;
import co.backprop.store.UploadedModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServedModelsTest {
  @TempDir Path dir;

  /** The account's uploads as the store holds them, counting how often they are read. */
  private static final class Uploads implements UploadedModels {
    final Map<String, UserModel> byName = new ConcurrentHashMap<>();
    final AtomicInteger reads = new AtomicInteger();

    @Override
    public void save(UserModel model) {
      byName.put(model.name(), model);
    }

    @Override
    public boolean recordBuild(UserModel built) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<UserModel> model(String account, String name) {
      return Optional.ofNullable(byName.get(name));
    }

    @Override
    public List<UserModel> models(String account) {
      reads.incrementAndGet();
      return List.copyOf(byName.values());
    }

    @Override
    public boolean delete(String account, String name) {
      return byName.remove(name) != null;
    }

    @Override
    public String createUpload(String account, String model, Duration validity, int maxOpen) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<Upload> upload(String token) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<Upload> useUpload(String token) {
      throw new UnsupportedOperationException();
    }
  }

  private Path upload(Uploads uploads, String folderName, String description) throws Exception {
    Path folder = Files.createDirectories(dir.resolve("user-models/acme/moods/" + folderName));
    Files.writeString(folder.resolve("config.json"), "{}");
    uploads.save(
        new UserModel(
            "acme",
            "moods",
            description,
            List.of("emotion"),
            BuildStatus.SUCCESS,
            "built",
            Instant.parse("2026-12-03T12:00:00Z"),
            folder.toString()));
    return folder;
  }

  @Test
  void anUploadBuiltOrReplacedSinceTheLastReadIsServedAtOnce() throws Exception {
    Uploads uploads = new Uploads();
    // The clock never moves: only the calls themselves can make the process read again.
    Clock stopped = Clock.fixed(Instant.parse("2026-12-03T12:00:00Z"), ZoneOffset.UTC);
    ServedModels models =
        new ServedModels(
            new ModelStore(dir.resolve("store")), uploads, RunnerOptions.cpu(1), stopped);

    // A call on the default model reads the account's uploads: none yet.
    assertThat(models.resolve("acme", Task.EMOTION, null, null).name()).isEqualTo("english");
    assertThat(uploads.reads).hasValue(1);
    assertThat(models.resolve("acme", Task.EMOTION, "english", null).spec().qualifiedName())
        .isEqualTo("emotion/english");
    assertThat(uploads.reads).hasValue(1);

    // Built within the freshness window: the front door names the upload it cleared.
    Path first = upload(uploads, "one", "joy, anger");
    ServedModels.Resolved moods = models.resolve("acme", Task.EMOTION, "moods", first.toString());
    assertThat(moods.name()).isEqualTo("moods");
    assertThat(moods.spec().weights().location()).isEqualTo(first.toString());
    assertThat(uploads.reads).hasValue(2);
    assertThat(models.resolve("acme", Task.EMOTION, "moods", first.toString()).key())
        .isEqualTo(moods.key());
    assertThat(uploads.reads).hasValue(2);

    // Replaced: the new upload, under a key of its own (the old runner is never reused for it).
    Path second = upload(uploads, "two", "joy, anger, calm");
    ServedModels.Resolved replaced =
        models.resolve("acme", Task.EMOTION, "moods", second.toString());
    assertThat(replaced.spec().weights().location()).isEqualTo(second.toString());
    assertThat(replaced.spec().description()).isEqualTo("joy, anger, calm");
    assertThat(replaced.key()).isNotEqualTo(moods.key()).startsWith("emotion/acme/moods");
    assertThat(uploads.reads).hasValue(3);
  }
}
