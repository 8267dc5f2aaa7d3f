package co.backprop.jobs.input;

import static java.util.Objects.requireNonNull;

import co.backprop.contract.model.ModelSpec;
import co.backprop.contract.task.Task;
import co.backprop.engines.pipeline.BatchPolicy;
import co.backprop.engines.pipeline.ComputeBudget;
import co.backprop.engines.runner.RunnerOptions;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * What every executor needs to run this job, broadcast once: the specs of the models the job uses
 * (never their weights), how to run and batch them, and how to read rows.
 *
 * @param models the models this job may load, by qualified name ({@code task/name})
 * @param knownModels every model name of the catalog by task, for "unknown model" messages
 * @param fixedAccount whether request lines must be billed to {@code defaultAccount}
 * @param table how table rows become requests, or null for a request file
 * @param budget the compute the job may spend (an account's monthly limit), unlimited when null
 * @param modelDigests the digest of each model's files ({@link
 *     co.backprop.contract.model.ModelDigest}) by qualified name: part of every row's input hash
 */
public record JobPlan(
    Map<String, ModelSpec> models,
    Map<Task, List<String>> knownModels,
    RunnerOptions runnerOptions,
    BatchPolicy batchPolicy,
    String defaultAccount,
    boolean fixedAccount,
    TableMapping table,
    ComputeBudget budget,
    Map<String, String> modelDigests)
    implements Serializable {

  public JobPlan {
    models = Map.copyOf(requireNonNull(models, "models is null"));
    knownModels = Map.copyOf(requireNonNull(knownModels, "knownModels is null"));
    budget = budget == null ? ComputeBudget.Unlimited.INSTANCE : budget;
    modelDigests = Map.copyOf(requireNonNull(modelDigests, "modelDigests is null"));
    requireNonNull(runnerOptions, "runnerOptions is null");
    requireNonNull(batchPolicy, "batchPolicy is null");
    requireNonNull(defaultAccount, "defaultAccount is null");
  }

  /** The spec of a model this job resolved on the driver; null when the job does not know it. */
  public ModelSpec model(Task task, String name) {
    return models.get(task.apiName() + "/" + name);
  }

  /** The digest of a model's files, or empty when the job does not know the model. */
  public String modelDigest(Task task, String name) {
    return modelDigests.getOrDefault(task.apiName() + "/" + name, "");
  }

  public String unknownModelMessage(Task task, String name) {
    List<String> known = knownModels.getOrDefault(task, List.of());
    return "model: unknown model '"
        + name
        + "' for "
        + task.apiName()
        + "; known models for "
        + task.apiName()
        + ": "
        + (known.isEmpty() ? "none yet" : String.join(", ", known));
  }
}
