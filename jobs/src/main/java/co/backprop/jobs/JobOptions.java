package co.backprop.jobs;

import static java.util.Objects.requireNonNull;

import co.backprop.engines.pipeline.BatchPolicy;
import co.backprop.contract.task.Task;
import co.backprop.jobs.input.InputFormat;
import java.util.Map;

/**
 * What one run of the batch job was asked to do, as parsed from the command line.
 *
 * @param task the task of every row (table mode), or null for a request file
 * @param model the model of every row (table mode), or null for the task's default
 * @param fieldColumns task field → input column (table mode), e.g. {@code text → title}
 * @param constantFields task field → JSON value given to every row (table mode), e.g. labels
 * @param idColumn the input column that identifies a row (table mode), or null
 * @param account who is billed for table rows, and for request lines that name no account
 * @param format the input format, or null to detect it from the input's name
 * @param outputFormat the results' format, or null for the input's
 * @param partitions minimum partitions to spread the rows over, or 0 for three per core
 * @param catalog the model catalog file, or null for the bundled one
 * @param modelStore the folder of fetched models, or null for the environment's (see ModelStore)
 * @param responses also write each request line's API response (request files only)
 * @param fixedAccount bill every request line to {@code account} (front-door jobs: a line cannot
 *     name another account)
 * @param incremental run only rows whose id has no ok result in the output yet; each run is a new
 *     committed version of the output (see OutputLayout)
 * @param dedupe keep each repeated id's first row instead of refusing the input
 * @param requireGpu fail before any work unless every task gets a GPU its engines can use
 */
public record JobOptions(
    String input,
    String output,
    Task task,
    String model,
    Map<String, String> fieldColumns,
    Map<String, String> constantFields,
    String idColumn,
    String account,
    InputFormat format,
    InputFormat outputFormat,
    boolean overwrite,
    int partitions,
    int intraOpThreads,
    BatchPolicy batchPolicy,
    String catalog,
    String modelStore,
    boolean responses,
    boolean fixedAccount,
    boolean incremental,
    boolean dedupe,
    boolean requireGpu,
    boolean progress) {

  public JobOptions {
    requireNonNull(input, "input is null");
    requireNonNull(output, "output is null");
    fieldColumns = Map.copyOf(fieldColumns == null ? Map.of() : fieldColumns);
    constantFields = Map.copyOf(constantFields == null ? Map.of() : constantFields);
    account = account == null ? "default" : account;
    requireNonNull(batchPolicy, "batchPolicy is null");
  }

  /** Table enrichment (a task for every row) rather than a request file. */
  public boolean tableMode() {
    return task != null;
  }

  public static Builder builder(String input, String output) {
    return new Builder(input, output);
  }

  /** Options with defaults: {@code opt*} for what is optional. */
  public static final class Builder {
    private final String input;
    private final String output;
    private Task task;
    private String model;
    private Map<String, String> fieldColumns = Map.of();
    private Map<String, String> constantFields = Map.of();
    private String idColumn;
    private String account;
    private InputFormat format;
    private InputFormat outputFormat;
    private boolean overwrite;
    private int partitions;
    private int intraOpThreads = 1;
    private BatchPolicy batchPolicy = BatchPolicy.DEFAULT;
    private String catalog;
    private String modelStore;
    private boolean responses;
    private boolean fixedAccount;
    private boolean incremental;
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

    public Builder optConstantFields(Map<String, String> value) {
      constantFields = value;
      return this;
    }

    public Builder optIdColumn(String value) {
      idColumn = value;
      return this;
    }

    public Builder optAccount(String value) {
      account = value;
      return this;
    }

    public Builder optFormat(InputFormat value) {
      format = value;
      return this;
    }

    public Builder optOutputFormat(InputFormat value) {
      outputFormat = value;
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

    public Builder optResponses(boolean value) {
      responses = value;
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

    public JobOptions build() {
      if (task == null && (model != null || !fieldColumns.isEmpty() || !constantFields.isEmpty() || idColumn != null)) {
        throw new IllegalArgumentException(
            "--model, --map, --set and --id-col describe table rows and need --task; "
                + "a request file names the task and model on each line");
      }
      if (task != null && responses) {
        throw new IllegalArgumentException("--responses reassembles the bodies of a request file; table rows are their own responses");
      }
      if (incremental && overwrite) {
        throw new IllegalArgumentException("--incremental adds a run to the output; it cannot be combined with --overwrite");
      }
      if (incremental && responses) {
        throw new IllegalArgumentException("--incremental keeps results by id; --responses (one response per request line) is for one-off runs");
      }
      if (incremental && task != null && idColumn == null) {
        throw new IllegalArgumentException(
            "--incremental needs --id-col: a row is skipped when its id already has an ok result");
      }
      if (partitions < 0) {
        throw new IllegalArgumentException("--partitions must be 0 (automatic) or more but got " + partitions);
      }
      if (intraOpThreads < 1) {
        throw new IllegalArgumentException("--intra-op-threads must be 1 or more but got " + intraOpThreads);
      }
      return new JobOptions(input, output, task, model, fieldColumns, constantFields, idColumn, account, format,
          outputFormat, overwrite, partitions, intraOpThreads, batchPolicy, catalog, modelStore, responses, fixedAccount, incremental, dedupe, requireGpu, progress);
    }
  }
}
