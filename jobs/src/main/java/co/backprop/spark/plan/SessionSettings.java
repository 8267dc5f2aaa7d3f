package co.backprop.spark.plan;

import co.backprop.contract.model.ModelCatalog;
import co.backprop.contract.model.ModelException;
import co.backprop.contract.model.ModelFiles;
import co.backprop.contract.model.ModelSpec;
import co.backprop.contract.model.ModelStore;
import co.backprop.contract.task.Task;
import co.backprop.engines.pipeline.BatchPolicy;
import co.backprop.engines.runner.ModelLoader;
import co.backprop.engines.runner.RunnerOptions;
import co.backprop.jobs.input.JobPlan;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import org.apache.spark.sql.SparkSession;

/**
 * What a Spark session's settings say about Backprop calls: the account billed ({@value #ACCOUNT}),
 * the model store ({@value #MODEL_STORE}) and catalog ({@value #CATALOG}), as the CLI's {@code
 * --account}, {@code --model-store} and {@code --catalog}; and the session's usage tally.
 */
public final class SessionSettings {
  public static final String ACCOUNT = "backprop.account";
  public static final String MODEL_STORE = "backprop.model-store";
  public static final String CATALOG = "backprop.catalog";
  public static final String DEFAULT_ACCOUNT = "default";

  private static final Map<SparkSession, UsageAccumulator> USAGE = new WeakHashMap<>();

  private SessionSettings() {}

  public static String account(SparkSession session) {
    return session.conf().get(ACCOUNT, DEFAULT_ACCOUNT);
  }

  /** The session's tally of compute spent by Backprop calls, registered on first use. */
  public static UsageAccumulator usage(SparkSession session) {
    synchronized (USAGE) {
      return USAGE.computeIfAbsent(
          session,
          s -> {
            UsageAccumulator usage = new UsageAccumulator();
            s.sparkContext().register(usage, "backprop.usage");
            return usage;
          });
    }
  }

  public static ModelCatalog catalog(SparkSession session) {
    String storeRoot = session.conf().get(MODEL_STORE, null);
    ModelStore store = storeRoot == null ? ModelStore.fromEnvironment() : new ModelStore(storeRoot);
    String catalog = session.conf().get(CATALOG, null);
    return catalog == null
        ? ModelCatalog.bundled(store)
        : ModelCatalog.load(Path.of(catalog), store);
  }

  /**
   * The plan every executor runs the calls with. A model a call names, or the default of a call
   * whose rows cannot name one, must be runnable now: the query fails before any row is read,
   * saying which model, where it was looked for and how to install it. Calls whose rows name their
   * model (a body or parameters) may use any runnable model of the task; others are error rows.
   */
  public static JobPlan plan(SparkSession session, List<CallSpec> calls) {
    ModelCatalog catalog = catalog(session);
    Map<String, ModelSpec> models = new LinkedHashMap<>();
    for (CallSpec call : calls) {
      boolean rowsName =
          call.model() == null
              && call.arguments().stream().anyMatch(a -> a.role() != CallSpec.Role.FIELD);
      if (!rowsName) {
        String name = call.model() == null ? call.task().defaultModel() : call.model();
        add(models, call.task(), name, runnable(catalog.resolve(call.task(), name)));
        continue;
      }
      for (String name : catalog.namesFor(call.task())) {
        try {
          add(models, call.task(), name, runnable(catalog.resolve(call.task(), name)));
        } catch (ModelException e) {
          // Not installed or not runnable here: rows asking for it become error rows.
        }
      }
    }
    Map<Task, List<String>> known = new EnumMap<>(Task.class);
    for (Task task : Task.values()) {
      known.put(task, catalog.namesFor(task));
    }
    return new JobPlan(
        models,
        known,
        RunnerOptions.cpu(1),
        BatchPolicy.DEFAULT,
        account(session),
        true,
        null,
        null,
        Map.of());
  }

  /** A model known by the name asked for and by the one serving it. */
  private static void add(Map<String, ModelSpec> models, Task task, String name, ModelSpec spec) {
    models.put(task.apiName() + "/" + name, spec);
    models.put(spec.qualifiedName(), spec);
  }

  private static ModelSpec runnable(ModelSpec spec) {
    ModelLoader.requireSupported(spec);
    ModelFiles.requireInstalled(spec);
    return spec;
  }
}
