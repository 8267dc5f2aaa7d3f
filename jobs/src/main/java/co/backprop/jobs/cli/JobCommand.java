package co.backprop.jobs.cli;

import co.backprop.contract.job.DataFormat;
import co.backprop.contract.task.Json;
import co.backprop.contract.task.Task;
import co.backprop.engines.pipeline.BatchPolicy;
import co.backprop.jobs.BatchJob;
import co.backprop.jobs.JobOptions;
import co.backprop.jobs.JobSummary;
import co.backprop.jobs.spark.ClusterWatchdog;
import co.backprop.jobs.spark.SparkOptions;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "job",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs Backprop API tasks over a table or a request file with Spark.",
      "",
      "Table enrichment:  --task text-vectorisation --input products.parquet --output out/ --map"
          + " text=title --id-col sku",
      "Request file:      --input requests.jsonl --output out/   (lines: {\"id\", \"account\","
          + " \"task\", \"model\", \"body\"})",
      ""
    })
public final class JobCommand implements Callable<Integer> {
  @Option(
      names = "--input",
      required = true,
      description = "Input file or folder (local path or s3a://): JSON lines, Parquet, ORC or CSV.")
  String input;

  @Option(
      names = "--output",
      required = true,
      description = "Output folder: results/, usage/ and summary.json are written in it.")
  String output;

  @Option(
      names = "--task",
      converter = TaskConverter.class,
      description =
          "The task of every row (table enrichment). Omit for a request file. One of:"
              + " ${COMPLETION-CANDIDATES}",
      completionCandidates = TaskConverter.Names.class)
  Task task;

  @Option(
      names = "--model",
      description =
          "The model of every row (table enrichment); default: the task's default (english).")
  String model;

  @Option(
      names = "--map",
      description =
          "Read a task field from a column: --map text=title (default: the column named like the"
              + " field).")
  Map<String, String> fieldColumns = new LinkedHashMap<>();

  @Option(
      names = "--set",
      description =
          "Give a task field the same JSON value in every row: --set 'labels=[\"a\",\"b\"]'.")
  Map<String, String> constantFields = new LinkedHashMap<>();

  @Option(
      names = "--id-col",
      description = "The column identifying a row (rows without one become error rows).")
  String idColumn;

  @Option(
      names = "--account",
      defaultValue = "default",
      description =
          "Account billed for table rows, and for request lines that name none (default:"
              + " ${DEFAULT-VALUE}).")
  String account;

  @Option(
      names = "--format",
      converter = FormatConverter.class,
      description = "Input format: jsonl, parquet, orc, csv (default: from the input's name).")
  DataFormat format;

  @Option(
      names = "--output-format",
      converter = FormatConverter.class,
      description = "Results format: jsonl or parquet (default: the input's).")
  DataFormat outputFormat;

  @Option(
      names = "--overwrite",
      description = "Replace the output folder if it holds a previous job's output.")
  boolean overwrite;

  @Mixin SparkOptions sparkOptions;

  @Option(
      names = "--partitions",
      defaultValue = "0",
      description = "Minimum partitions (default: 3 per core).")
  int partitions;

  @Option(
      names = "--intra-op-threads",
      defaultValue = "1",
      description =
          "Threads one forward pass may use (default: ${DEFAULT-VALUE}; concurrent tasks x threads"
              + " should not exceed cores).")
  int intraOpThreads;

  @Option(
      names = "--batch-tokens",
      defaultValue = "4096",
      description = "Padded tokens per micro-batch (default: ${DEFAULT-VALUE}).")
  int batchTokens;

  @Option(
      names = "--batch-rows",
      defaultValue = "64",
      description = "Rows per micro-batch at most (default: ${DEFAULT-VALUE}).")
  int batchRows;

  @Option(
      names = "--window-rows",
      defaultValue = "2048",
      description = "Rows sorted by length together (default: ${DEFAULT-VALUE}).")
  int windowRows;

  @Option(
      names = "--catalog",
      description =
          "Model catalog (default: the one bundled in the jar, a copy of conf/models.json).")
  String catalog;

  @Option(
      names = "--model-store",
      description =
          "Folder or s3a:// URI of fetched models (default: $BACKPROP_MODEL_STORE or"
              + " ~/.backprop/models).")
  String modelStore;

  @Option(
      names = "--responses",
      description =
          "Request files: also write each line's API response (batch bodies reassembled) to"
              + " responses/.")
  boolean responses;

  @Option(
      names = "--incremental",
      description =
          "Nightly enrichment: skip rows whose id already has an ok result in --output for the"
              + " same input (text after --map/--set, model and model files: the input_hash), run"
              + " new, changed and error rows; each run writes only those rows and is committed"
              + " atomically as a new version (v0001, v0002, ...) with its own usage.")
  boolean incremental;

  @Option(
      names = "--keep-runs",
      paramLabel = "N",
      description =
          "With --incremental: when more than N runs have been added since the last snapshot,"
              + " fold them into one (as bin/backprop compact does) after this run commits"
              + " (default: 0, never).")
  int keepRuns;

  @Option(
      names = "--dedupe",
      description =
          "Keep each repeated id's first row (default: refuse an input whose ids repeat, listing"
              + " them).")
  boolean dedupe;

  @Option(
      names = "--require-gpu",
      description =
          "Fail at start unless every task gets a GPU its engine can use (never a silent CPU run);"
              + " needs a cluster master and the GPU settings of conf/spark-defaults-gpu.conf.")
  boolean requireGpu;

  @Option(
      names = "--no-progress",
      negatable = true,
      defaultValue = "true",
      description = "Show rows done / total while running (default: on).")
  boolean progress;

  JobOptions options() {
    return JobOptions.builder(input, output)
        .optTask(task)
        .optModel(model)
        .optFieldColumns(fieldColumns)
        .optConstantFields(jsonValues(constantFields))
        .optIdColumn(idColumn)
        .optAccount(account)
        .optFormat(format)
        .optOutputFormat(outputFormat)
        .optOverwrite(overwrite)
        .optPartitions(partitions)
        .optIntraOpThreads(intraOpThreads)
        .optBatchPolicy(new BatchPolicy(batchTokens, batchRows, windowRows))
        .optCatalog(catalog)
        .optModelStore(modelStore)
        .optResponses(responses)
        .optIncremental(incremental)
        .optKeepRuns(keepRuns)
        .optDedupe(dedupe)
        .optRequireGpu(requireGpu)
        .optProgress(progress)
        .build();
  }

  /** {@code --set labels=["a","b"]} is JSON; a bare word is a string: {@code --set text=hello}. */
  static Map<String, JsonNode> jsonValues(Map<String, String> texts) {
    Map<String, JsonNode> values = new LinkedHashMap<>();
    texts.forEach(
        (field, text) -> {
          JsonNode value;
          try {
            value = Json.MAPPER.readTree(text);
          } catch (JsonProcessingException e) {
            value = null;
          }
          values.put(
              field,
              value == null || value.isMissingNode()
                  ? Json.MAPPER.getNodeFactory().textNode(text)
                  : value);
        });
    return values;
  }

  @Override
  public Integer call() {
    JobOptions options = options();
    BatchJob.preflight(options);
    String name = "backprop " + (task == null ? "request file" : task.apiName()) + " " + input;
    SparkSession spark = sparkOptions.session(name);
    ClusterWatchdog watchdog = sparkOptions.watch(spark);
    try {
      JobSummary summary = new BatchJob(spark, options).run();
      summary.print(System.out);
      ClassArchive.worthKeeping();
      return 0;
    } catch (Exception e) { // Spark throws its checked SparkException unannounced; rethrown as is
      watchdog.explain(e);
      throw e;
    } finally {
      watchdog.close();
      spark.stop();
    }
  }
}
