package co.backprop.frontdoor;

import static java.util.Objects.requireNonNull;

import co.backprop.store.Store;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How the front door runs. Build it with {@link #builder(Path)}: {@code opt*} for what has a
 * default.
 *
 * @param data the data folder: job store, accounts' files, job outputs, models, uploads, logs
 * @param storeUrl the job store's JDBC URL (an SQLite file in {@code data} by default)
 * @param host the interface to listen on (loopback unless asked)
 * @param syncWait how long a task endpoint waits for its job before answering 202
 * @param maxBodyBytes the largest task or job body accepted (413 beyond)
 * @param maxUploadBytes the largest model zip accepted (413 beyond)
 * @param maxQueuedJobs jobs one account may have waiting (429 beyond)
 * @param maxOpenUploads unused upload URLs one account may hold (429 beyond)
 * @param maxModels models one account may hold, built or not (429 for a new name beyond): every
 *     upload an account calls is loaded in the worker and the serving processes
 * @param workerCommand the command that starts a worker, or empty to start none
 * @param servingCommand the command that starts a serving process, or empty to start none
 * @param servingReadyTimeout how long start-up waits for a serving process to be ready
 * @param hadoopSettings Hadoop settings for reading job outputs, e.g. {@code fs.s3a.endpoint}
 * @param clock what months (limits) and expiries are read from
 */
public record FrontDoorConfig(
    Path data,
    String storeUrl,
    String host,
    int port,
    Duration syncWait,
    long maxBodyBytes,
    long maxUploadBytes,
    int maxQueuedJobs,
    int maxOpenUploads,
    int maxModels,
    List<String> workerCommand,
    List<String> servingCommand,
    Duration servingReadyTimeout,
    Map<String, String> hadoopSettings,
    Clock clock) {

  public FrontDoorConfig {
    data = requireNonNull(data, "data is null").toAbsolutePath().normalize();
    storeUrl = storeUrl != null ? storeUrl : Store.dataFolderUrl(data);
    requireNonNull(host, "host is null");
    requireNonNull(syncWait, "syncWait is null");
    workerCommand = List.copyOf(workerCommand);
    servingCommand = List.copyOf(servingCommand);
    hadoopSettings = Map.copyOf(hadoopSettings);
    requireNonNull(clock, "clock is null");
  }

  public static Builder builder(Path data) {
    return new Builder(data);
  }

  /** Each account's own files: {@code files/<account>/}. */
  public Path files() {
    return data.resolve("files");
  }

  /** Job folders the server chooses: {@code jobs/<account>/<job>/}. */
  public Path jobs() {
    return data.resolve("jobs");
  }

  /** Fetched global models (the same store layout as `models fetch`). */
  public Path models() {
    return data.resolve("models");
  }

  /** Uploaded models: {@code user-models/{account}/{name}/{upload}/}, a folder per upload. */
  public Path userModels() {
    return data.resolve("user-models");
  }

  public Path uploads() {
    return data.resolve("uploads");
  }

  public Path logs() {
    return data.resolve("logs");
  }

  /** The front door's settings with defaults. */
  public static final class Builder {
    private final Path data;
    private String storeUrl;
    private String host = "127.0.0.1";
    private int port = 8080;
    private Duration syncWait = Duration.ofSeconds(30);
    private long maxBodyBytes = 20L << 20;
    private long maxUploadBytes = 5L << 30;
    private int maxQueuedJobs = 100;
    private int maxOpenUploads = 10;
    private int maxModels = 20;
    private List<String> workerCommand = List.of();
    private List<String> servingCommand = List.of();
    private Duration servingReadyTimeout = Duration.ofMinutes(3);
    private Map<String, String> hadoopSettings = Map.of();
    private Clock clock = Clock.systemUTC();

    private Builder(Path data) {
      this.data = data;
    }

    public Builder optStoreUrl(String value) {
      storeUrl = value;
      return this;
    }

    public Builder optHost(String value) {
      host = value;
      return this;
    }

    public Builder optPort(int value) {
      port = value;
      return this;
    }

    public Builder optSyncWait(Duration value) {
      syncWait = value;
      return this;
    }

    public Builder optMaxBodyBytes(long value) {
      maxBodyBytes = value;
      return this;
    }

    public Builder optMaxUploadBytes(long value) {
      maxUploadBytes = value;
      return this;
    }

    public Builder optMaxQueuedJobs(int value) {
      maxQueuedJobs = value;
      return this;
    }

    public Builder optMaxOpenUploads(int value) {
      maxOpenUploads = value;
      return this;
    }

    public Builder optMaxModels(int value) {
      maxModels = value;
      return this;
    }

    public Builder optWorkerCommand(List<String> value) {
      workerCommand = value;
      return this;
    }

    public Builder optServingCommand(List<String> value) {
      servingCommand = value;
      return this;
    }

    public Builder optServingReadyTimeout(Duration value) {
      servingReadyTimeout = value;
      return this;
    }

    public Builder optHadoopSettings(Map<String, String> value) {
      hadoopSettings = value;
      return this;
    }

    public Builder optClock(Clock value) {
      clock = value;
      return this;
    }

    public FrontDoorConfig build() {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("--port must be 0-65535 but got " + port);
      }
      if (maxQueuedJobs < 1 || maxOpenUploads < 1 || maxModels < 1) {
        throw new IllegalArgumentException(
            "--max-queued-jobs, --max-upload-urls and --max-models must be 1 or more");
      }
      if (maxBodyBytes < 1 || maxUploadBytes < 1) {
        throw new IllegalArgumentException("--max-body-mb and --max-upload-mb must be more than 0");
      }
      return new FrontDoorConfig(
          data,
          storeUrl,
          host,
          port,
          syncWait,
          maxBodyBytes,
          maxUploadBytes,
          maxQueuedJobs,
          maxOpenUploads,
          maxModels,
          workerCommand,
          servingCommand,
          servingReadyTimeout,
          hadoopSettings,
          clock);
    }
  }
}
