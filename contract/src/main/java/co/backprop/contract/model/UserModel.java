package co.backprop.contract.model;

import static java.util.Objects.requireNonNull;

import co.backprop.contract.task.Task;
import java.time.Instant;
import java.util.List;

/**
 * A model an account uploaded, as the API's /models describe it.
 *
 * @param tasks the tasks its config.json names, by API name
 * @param lastDeployment when it was last uploaded or built
 * @param path the folder its files are in
 */
public record UserModel(
    String account,
    String name,
    String description,
    List<String> tasks,
    BuildStatus buildStatus,
    String buildMessage,
    Instant lastDeployment,
    String path) {

  public UserModel {
    requireNonNull(account, "account is null");
    requireNonNull(name, "name is null");
    requireNonNull(buildStatus, "buildStatus is null");
    requireNonNull(path, "path is null");
    tasks = List.copyOf(tasks);
    description = description == null ? "" : description;
  }

  public boolean does(Task task) {
    return tasks.contains(task.apiName());
  }

  /** The same model with a new build status and message, deployed now. */
  public UserModel built(BuildStatus status, String message, Instant now) {
    return new UserModel(account, name, description, tasks, status, message, now, path);
  }
}
