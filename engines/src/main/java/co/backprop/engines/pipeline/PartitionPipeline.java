package co.backprop.engines.pipeline;

import static java.util.Objects.requireNonNull;

import co.backprop.contract.model.ModelException;
import co.backprop.contract.task.InvalidRequestException;
import co.backprop.contract.task.SingleRequest;
import co.backprop.contract.task.Task;
import co.backprop.contract.task.TaskOutput;
import co.backprop.engines.runner.LoadedModel;
import co.backprop.engines.runner.ModelRunner;
import co.backprop.engines.runner.PreparedInput;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one partition's rows: reads a window of rows, groups their items by (task, model), sorts
 * each group by token length, runs it in micro-batches under a token budget, and gives the rows
 * back in their input order with one result per item. Each micro-batch's forward-pass wall time is
 * shared among its items by token count. Not thread-safe: one per partition.
 */
public final class PartitionPipeline<C> implements AutoCloseable {
  /** Where the pipeline gets a loaded model (in Spark: the executor's model cache). */
  public interface ModelSource {
    LoadedModel model(Task task, String model);
  }

  private record ModelKey(Task task, String model) {}

  private record Slot(int row, int item, SingleRequest request) {}

  private record Prepared<P extends PreparedInput>(Slot slot, P input) {}

  private static final Logger LOG = LoggerFactory.getLogger(PartitionPipeline.class);

  private final ModelSource models;
  private final BatchPolicy policy;
  private final ComputeBudget budget;
  private final Map<ModelKey, ModelRunner<?>> runners = new LinkedHashMap<>();
  private final Map<ModelKey, String> devices = new LinkedHashMap<>();
  private final Map<ModelKey, LoadedModel> loaded = new LinkedHashMap<>();

  public PartitionPipeline(ModelSource models, BatchPolicy policy) {
    this(models, policy, ComputeBudget.Unlimited.INSTANCE);
  }

  /**
   * A pipeline whose micro-batches stop once {@code budget} is spent (their rows: quota errors).
   */
  public PartitionPipeline(ModelSource models, BatchPolicy policy, ComputeBudget budget) {
    this.models = requireNonNull(models, "models is null");
    this.policy = requireNonNull(policy, "policy is null");
    this.budget = requireNonNull(budget, "budget is null");
  }

  /** The rows with their results, window by window; closes the runners after the last row. */
  public Iterator<CompletedRow<C>> process(Iterator<PendingRow<C>> rows) {
    return new Iterator<>() {
      private Iterator<CompletedRow<C>> window = Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        while (!window.hasNext() && rows.hasNext()) {
          window = processWindow(nextWindow(rows), false).iterator();
        }
        if (!window.hasNext()) {
          close();
        }
        return window.hasNext();
      }

      @Override
      public CompletedRow<C> next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return window.next();
      }
    };
  }

  private List<PendingRow<C>> nextWindow(Iterator<PendingRow<C>> rows) {
    List<PendingRow<C>> window = new ArrayList<>();
    int items = 0;
    while (rows.hasNext() && window.size() < policy.windowRows() && items < policy.windowRows()) {
      PendingRow<C> row = rows.next();
      window.add(row);
      items += row.items().size();
    }
    return window;
  }

  /**
   * Runs rows as one window and keeps the runners open for the next: how a serving process runs the
   * calls it gathered, with the same grouping, sorting, micro-batches and metering as a partition.
   */
  public List<CompletedRow<C>> runWindow(List<PendingRow<C>> window) {
    try {
      return processWindow(window, true);
    } finally {
      releaseRetired();
    }
  }

  /**
   * Closes the runners kept open on models the cache has retired, so those models can close; a
   * serving process calls it between windows too, or an idle one would hold them.
   */
  public void releaseRetired() {
    for (ModelKey key : List.copyOf(loaded.keySet())) {
      closeIfRetired(key);
    }
  }

  /**
   * Closes the runner kept open on a model the cache has retired (an upload replaced or deleted),
   * so that the model can close.
   */
  private void closeIfRetired(ModelKey key) {
    LoadedModel model = loaded.get(key);
    if (model != null && model.retired()) {
      runners.remove(key).close();
      loaded.remove(key);
      devices.remove(key);
    }
  }

  /**
   * @param serving a window of a serving process, which keeps its runners between windows and holds
   *     many accounts' calls: a retired model's runner is let go of before the next use, and a
   *     model that cannot be had fails its own rows, not the window. (A partition keeps its runners
   *     to its end, and a model it cannot have fails its task.)
   */
  private List<CompletedRow<C>> processWindow(List<PendingRow<C>> window, boolean serving) {
    ItemResult[][] results = new ItemResult[window.size()][];
    Map<ModelKey, List<Slot>> groups = new LinkedHashMap<>();
    for (int row = 0; row < window.size(); row++) {
      List<PendingItem> items = window.get(row).items();
      results[row] = new ItemResult[items.size()];
      for (int item = 0; item < items.size(); item++) {
        PendingItem pending = items.get(item);
        if (pending.isValid()) {
          groups
              .computeIfAbsent(
                  new ModelKey(pending.task(), pending.model()), key -> new ArrayList<>())
              .add(new Slot(row, item, pending.request()));
        } else {
          results[row][item] = ItemResult.failed(pending.model(), pending.error());
        }
      }
    }
    groups.forEach(
        (key, slots) -> {
          ModelRunner<?> runner;
          try {
            if (serving) {
              closeIfRetired(key);
            }
            runner = runner(key);
          } catch (ModelException e) {
            if (!serving) {
              throw e;
            }
            // Where the server looked is the operator's business: the log has it, the client not.
            LOG.warn("model {} could not be had for a window", key.model(), e);
            for (Slot slot : slots) {
              results[slot.row()][slot.item()] =
                  ItemResult.modelUnavailable(
                      key.model(),
                      "model: it could not be loaded on this server (it may have just been replaced"
                          + " or deleted); the operator's log has the details");
            }
            return;
          }
          runGroup(key, runner, slots, results);
        });
    List<CompletedRow<C>> completed = new ArrayList<>(window.size());
    for (int row = 0; row < window.size(); row++) {
      completed.add(new CompletedRow<>(window.get(row).carrier(), List.of(results[row])));
    }
    return completed;
  }

  private ModelRunner<?> runner(ModelKey key) {
    ModelRunner<?> runner = runners.get(key);
    if (runner == null) {
      LoadedModel model = models.model(key.task(), key.model());
      runner = model.newRunner();
      runners.put(key, runner);
      devices.put(key, model.device());
      loaded.put(key, model);
    }
    return runner;
  }

  private <P extends PreparedInput> void runGroup(
      ModelKey key, ModelRunner<P> runner, List<Slot> slots, ItemResult[][] results) {
    List<Prepared<P>> prepared = new ArrayList<>(slots.size());
    for (Slot slot : slots) {
      try {
        prepared.add(new Prepared<>(slot, runner.prepare(slot.request())));
      } catch (InvalidRequestException e) {
        results[slot.row()][slot.item()] = ItemResult.failed(key.model(), e.getMessage());
      } catch (RuntimeException | OutOfMemoryError e) {
        // No row takes the partition down: whatever one row does to its runner is that row's error.
        LOG.warn("a row of {} could not be prepared", key.model(), e);
        results[slot.row()][slot.item()] =
            ItemResult.failed(
                key.model(), "the row could not be prepared for the model: " + describe(e));
      }
    }
    prepared.sort(Comparator.comparingInt(p -> p.input().tokens()));
    int[] tokens = prepared.stream().mapToInt(p -> p.input().tokens()).toArray();
    int start = 0;
    for (int end : MicroBatches.cut(tokens, policy)) {
      runWithinBudget(key, runner, prepared.subList(start, end), results);
      start = end;
    }
  }

  /** Runs a micro-batch if the budget grants it; otherwise its rows are quota errors. */
  private <P extends PreparedInput> void runWithinBudget(
      ModelKey key, ModelRunner<P> runner, List<Prepared<P>> batch, ItemResult[][] results) {
    int longest = batch.stream().mapToInt(p -> p.input().tokens()).max().orElse(0);
    ComputeBudget.Ticket ticket =
        budget.reserve(key.task(), key.model(), (long) batch.size() * longest);
    if (ticket == null) {
      for (Prepared<P> row : batch) {
        results[row.slot().row()][row.slot().item()] =
            ItemResult.failed(key.model(), budget.exhaustedError());
      }
      return;
    }
    runBatch(key, runner, batch, results, ticket);
  }

  private <P extends PreparedInput> void runBatch(
      ModelKey key,
      ModelRunner<P> runner,
      List<Prepared<P>> batch,
      ItemResult[][] results,
      ComputeBudget.Ticket ticket) {
    List<P> inputs = batch.stream().map(Prepared::input).toList();
    List<TaskOutput> outputs;
    long start = System.nanoTime();
    try {
      outputs = runner.run(inputs);
    } catch (RuntimeException | OutOfMemoryError e) {
      budget.spent(ticket, (System.nanoTime() - start) / 1e6, 0);
      if (batch.size() > 1) {
        // Find the row that breaks the batch: run each alone, so the others still succeed.
        batch.forEach(one -> runWithinBudget(key, runner, List.of(one), results));
        return;
      }
      Slot slot = batch.get(0).slot();
      LOG.warn("a row of {} failed in the model", key.model(), e);
      results[slot.row()][slot.item()] =
          ItemResult.failed(key.model(), "inference failed: " + describe(e));
      return;
    }
    double elapsedMs = (System.nanoTime() - start) / 1e6;
    budget.spent(ticket, elapsedMs, batch.size());
    long batchTokens = inputs.stream().mapToLong(PreparedInput::tokens).sum();
    String device = devices.get(key);
    for (int i = 0; i < batch.size(); i++) {
      P input = inputs.get(i);
      double share = batchTokens == 0 ? 1.0 / batch.size() : (double) input.tokens() / batchTokens;
      Slot slot = batch.get(i).slot();
      results[slot.row()][slot.item()] =
          ItemResult.computed(
              outputs.get(i),
              key.model(),
              device,
              elapsedMs * share,
              input.truncated(),
              input.tokens());
    }
  }

  /** What a row's error says about a failure: its message, without the class it was thrown from. */
  private static String describe(Throwable error) {
    if (error instanceof OutOfMemoryError) {
      return "out of memory (the row needs more than this process has)";
    }
    return error.getMessage() != null && !error.getMessage().isBlank()
        ? error.getMessage()
        : "an unexpected error";
  }

  @Override
  public void close() {
    runners.values().forEach(ModelRunner::close);
    runners.clear();
    loaded.clear();
  }
}
