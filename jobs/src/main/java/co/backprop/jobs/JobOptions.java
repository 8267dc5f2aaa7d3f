package co.backprop.jobs;

import static java.util.Objects.requireNonNull;

import co.backprop.contract.job.DataFormat;
import co.backprop.contract.job.JobSpec;
import co.backprop.contract.job.TableSpec;
import co.backprop.contract.task.Task;
import co.backprop.engines.pipeline.BatchPolicy;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * One run of the batch job: what to do (the typed {@link JobSpec.Batch}, the same whether it came
 * from the command line or from the front door's queue) and how to run it here.
 *
 * @param account who is billed for table rows, and for request lines that name no account
 * @param partitions minimum partitions to spread the rows over, or 0 for three per core
 * @param catalog the model catalog file, or null for the bundled one
 * @param modelStore the folder of fetched models, or null for the environment's (see ModelStore)
 * @param fixedAccount bill every request line to {@code account} (front-door jobs: a line cannot
 *     name another account)
 * @param incremental run only rows whose id has no ok result for the same input hash in the output
 *     yet; each run is a new committed version of the output (see OutputLayout)
 * @param keepRuns fold the runs into a snapshot when more than this many were added since the last
 *     one, or 0 for never
 * @param dedupe keep each repeated id's first row instead of refusing the input
 * @param requireGpu fail before any work unless every task gets a GPU its engines can use
 */
public record JobOptions(
    JobSpec.Batch spec,
    String account,
    boolean overwrite,
    int partitions,
    int intraOpThreads,
    BatchPolicy batchPolicy,
    String catalog,
    String modelStore,
    boolean fixedAccount,
    boolean incremental,
    int keepRuns,
    boolean dedupe,
    boolean requireGpu,
    boolean progress) {

  public JobOptions {
    requireNonNull(spec, "spec is null");
    account = account == null ? "default" : account;
    requireNonNull(batchPolicy, "batchPolicy is null");
  }

  public String input() {
    return spec.input();
  }

  public String output() {
    return spec.output();
  }

  /** The task of every row (table mode), or null for a request file. */
  public Task task() {
    return spec.tableMode() ? spec.table().task() : null;
  }

  /** The model of every row (table mode), or null for the task's default. */
  public String model() {
    return spec.tableMode() ? spec.table().model() : null;
  }

  /** The column identifying a row (table mode), or null. */
  public String idColumn() {
    return spec.tableMode() ? spec.table().idColumn() : null;
  }

  public DataFormat format() {
    return spec.format();
  }

  public DataFormat outputFormat() {
    return spec.outputFormat();
  }

  public boolean responses() {
    return spec.responses();
  }

  /** Table enrichment (a task for every row) rather than a request file. */
  public boolean tableMode() {
    return spec.tableMode();
  }

  /** Options for a spec, with this machine's defaults for how to run it. */
  public static Builder builder(JobSpec.Batch spec) {
    Builder builder = new Builder(spec.input(), spec.output());
    builder.spec = spec;
    return builder;
  }

  /**
   * Options built field by field (the command line, tests): the spec is made and checked in {@link
   * Builder#build}.
   */
  public static Builder builder(String input, String output) {
    return new Builder(input, output);
  }

  /** Options with defaults: {@code opt*} for what is optional. */
  public static final class Builder {
    private final String input;
    private final String output;
    private JobSpec.Batch spec;
    private Task task;
    private String model;
    private Map<String, String> fieldColumns = Map.of();
    private Map<String, JsonNode> constantFields = Map.of();
    private String idColumn;
    private DataFormat format;
    private DataFormat outputFormat;
    private boolean responses;
    private String account;
    private boolean overwrite;
    private int partitions;
    private int intraOpThreads = 1;
    private BatchPolicy batchPolicy = BatchPolicy.DEFAULT;
    private String catalog;
    private String modelStore;
    private boolean fixedAccount;
    private boolean incremental;
    private int keepRuns;
    private boolean dedupe;
    private boolean requireGpu;
    private boolean progress;

    private Builder(String input, String output) {
      this.input = input;
      this.output = output;
    }

    public Builder optTask(Task value) {
      task = value;
      return this;
    }

    public Builder optModel(String value) {
      model = value;
      return this;
    }

    public Builder optFieldColumns(Map<String, String> value) {
      fieldColumns = value;
      return this;
    }

    public Builder optConstantFields(Map<String, JsonNode> value) {
      constantFields = value;
      return this;
    }

    public Builder optIdColumn(String value) {
      idColumn = value;
      return this;
    }

    public Builder optFormat(DataFormat value) {
      format = value;
      return this;
    }

    public Builder optOutputFormat(DataFormat value) {
      outputFormat = value;
      return this;
    }

    public Builder optResponses(boolean value) {
      responses = value;
      return this;
    }

    public Builder optAccount(String value) {
      account = value;
      return this;
    }

    public Builder optOverwrite(boolean value) {
      overwrite = value;
      return this;
    }

    public Builder optPartitions(int value) {
      partitions = value;
      return this;
    }

    public Builder optIntraOpThreads(int value) {
      intraOpThreads = value;
      return this;
    }

    public Builder optBatchPolicy(BatchPolicy value) {
      batchPolicy = value;
      return this;
    }

    public Builder optCatalog(String value) {
      catalog = value;
      return this;
    }

    public Builder optModelStore(String value) {
      modelStore = value;
      return this;
    }

    public Builder optFixedAccount(boolean value) {
      fixedAccount = value;
      return this;
    }

    public Builder optIncremental(boolean value) {
      incremental = value;
      return this;
    }

    public Builder optKeepRuns(int value) {
      keepRuns = value;
      return this;
    }

    public Builder optDedupe(boolean value) {
      dedupe = value;
      return this;
    }

    public Builder optRequireGpu(boolean value) {
      requireGpu = value;
      return this;
    }

    public Builder optProgress(boolean value) {
      progress = value;
      return this;
    }

    /**
     * The spec of what was set field by field: a table when a task was named, else a request file.
     */
    private JobSpec.Batch spec() {
      TableSpec table = TableSpec.orNone(task, model, fieldColumns, constantFields, idColumn);
      return new JobSpec.Batch(input, output, format, outputFormat, table, responses);
    }

    public JobOptions build() {
      JobSpec.Batch batch = spec != null ? spec : spec();
      // What only the command line can ask for is checked here; the spec checked itself.
      if (incremental && overwrite) {
        throw new IllegalArgumentException(
            "--incremental adds a run to the output; it cannot be combined with --overwrite");
      }
      if (incremental && batch.responses()) {
        throw new IllegalArgumentException(
            "--incremental keeps results by id; --responses (one response per request line) is for"
                + " one-off runs");
      }
      if (incremental && batch.tableMode() && batch.table().idColumn() == null) {
        throw new IllegalArgumentException(
            "--incremental needs --id-col: a row is skipped when its id already has an ok result");
      }
      if (keepRuns < 0 || (keepRuns > 0 && !incremental)) {
        throw new IllegalArgumentException(
            "--keep-runs must be 0 (never fold runs) or more, with --incremental, but got "
                + keepRuns
                + (incremental ? "" : " without --incremental"));
      }
      if (partitions < 0) {
        throw new IllegalArgumentException(
            "--partitions must be 0 (automatic) or more but got " + partitions);
      }
      if (intraOpThreads < 1) {
        throw new IllegalArgumentException(
            "--intra-op-threads must be 1 or more but got " + intraOpThreads);
      }
      return new JobOptions(
          batch,
          account,
          overwrite,
          partitions,
          intraOpThreads,
          batchPolicy,
          catalog,
          modelStore,
          fixedAccount,
          incremental,
          keepRuns,
          dedupe,
          requireGpu,
          progress);
    }
  }
}
