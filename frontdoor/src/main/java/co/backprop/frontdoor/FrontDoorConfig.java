package co.backprop.frontdoor;

import static java.util.Objects.requireNonNull;

import co.backprop.store.Store;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How the front door runs.
 *
 * @param data the data folder: job store, job inputs and outputs, models, uploads, logs
 * @param storeUrl the job store's JDBC URL (an SQLite file in {@code data} by default)
 * @param syncWait how long a task endpoint waits for its job before answering 202
 * @param maxBodyBytes the largest task or job body accepted (413 beyond)
 * @param maxUploadBytes the largest model zip accepted (413 beyond)
 * @param allowedRoots local folders jobs may read inputs from and write outputs to (besides s3a://)
 * @param workerCommand the command that starts a worker, or empty to start none
 * @param hadoopSettings Hadoop settings for reading job outputs, e.g. {@code fs.s3a.endpoint}
 */
public record FrontDoorConfig(
    Path data,
    String storeUrl,
    int port,
    Duration syncWait,
    long maxBodyBytes,
    long maxUploadBytes,
    List<Path> allowedRoots,
    List<String> workerCommand,
    Map<String, String> hadoopSettings) {

  public FrontDoorConfig {
    data = requireNonNull(data, "data is null").toAbsolutePath().normalize();
    storeUrl = storeUrl != null ? storeUrl : Store.dataFolderUrl(data);
    allowedRoots = allowedRoots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    workerCommand = List.copyOf(workerCommand);
    hadoopSettings = Map.copyOf(hadoopSettings);
  }

  public Path jobs() {
    return data.resolve("jobs");
  }

  /** Fetched global models (the same store layout as `models fetch`). */
  public Path models() {
    return data.resolve("models");
  }

  /** Uploaded models: {@code user-models/{account}/{name}/}. */
  public Path userModels() {
    return data.resolve("user-models");
  }

  public Path uploads() {
    return data.resolve("uploads");
  }
}
