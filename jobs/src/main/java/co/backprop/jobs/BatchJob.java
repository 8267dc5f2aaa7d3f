package co.backprop.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.udf;

import co.backprop.contract.job.DataFormat;
import co.backprop.contract.job.InvalidJobException;
import co.backprop.contract.job.JobField;
import co.backprop.contract.model.ModelCatalog;
import co.backprop.contract.model.ModelDigest;
import co.backprop.contract.model.ModelException;
import co.backprop.contract.model.ModelFiles;
import co.backprop.contract.model.ModelSpec;
import co.backprop.contract.model.ModelStore;
import co.backprop.contract.task.Json;
import co.backprop.contract.task.Task;
import co.backprop.engines.pipeline.ComputeBudget;
import co.backprop.engines.runner.ModelLoader;
import co.backprop.engines.runner.RunnerOptions;
import co.backprop.jobs.formats.InputHash;
import co.backprop.jobs.formats.LineFormat;
import co.backprop.jobs.formats.RequestLines;
import co.backprop.jobs.formats.ResultColumns;
import co.backprop.jobs.formats.TableLines;
import co.backprop.jobs.input.FormatDetection;
import co.backprop.jobs.input.JobPlan;
import co.backprop.jobs.input.TableMapping;
import co.backprop.jobs.output.Compaction;
import co.backprop.jobs.output.DeltaResults;
import co.backprop.jobs.output.OutputPaths;
import co.backprop.jobs.output.RunVersions;
import co.backprop.jobs.output.TextLines;
import co.backprop.jobs.spark.GpuScheduling;
import co.backprop.jobs.spark.InputIds;
import co.backprop.jobs.spark.JobAccumulators;
import co.backprop.jobs.spark.JsonLinesStage;
import co.backprop.jobs.spark.PartitionRunner;
import co.backprop.jobs.spark.ProgressReporter;
import co.backprop.jobs.spark.RunIndexes;
import co.backprop.jobs.spark.Selection;
import co.backprop.jobs.spark.TableStage;
import co.backprop.jobs.usage.UsageTally;
import co.backprop.outputs.JobOutput;
import co.backprop.outputs.OutputLayout;
import co.backprop.outputs.RunCommit;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * The batch job: read requests (a request file, or a table and a task), run them through the models
 * on the executors, write every input row's results, then tally usage from what was written. Its
 * steps are named methods; {@link #run} only orchestrates them.
 */
public final class BatchJob {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BatchJob.class);

  private static final DateTimeFormatter PERIOD =
      DateTimeFormatter.ofPattern("yyyy-MM").withZone(ZoneOffset.UTC);

  private final SparkSession spark;
  private final JobOptions options;
  private final ModelCatalog catalog;
  private final ProgressReporter.Sink rowsDone;
  private final ComputeBudget budget;

  public BatchJob(SparkSession spark, JobOptions options) {
    this(spark, options, catalog(options), null, ComputeBudget.Unlimited.INSTANCE);
  }

  /**
   * @param catalog the models this job may use (a worker adds the account's uploaded ones)
   * @param rowsDone told the input rows done about every second while the models run, or null
   * @param budget the compute the job may spend; rows past it come out as quota errors
   */
  public BatchJob(
      SparkSession spark,
      JobOptions options,
      ModelCatalog catalog,
      ProgressReporter.Sink rowsDone,
      ComputeBudget budget) {
    this.spark = spark;
    this.options = options;
    this.catalog = catalog;
    this.rowsDone = rowsDone;
    this.budget = budget;
  }

  /**
   * Checks what can be checked without Spark: the catalog, and in table mode the model (known,
   * runnable, installed). Call before starting Spark so a wrong name fails in a second.
   */
  public static void preflight(JobOptions options) {
    ModelCatalog catalog = catalog(options);
    if (options.tableMode()) {
      requireRunnable(catalog.resolve(options.task(), options.model()));
      tableMapping(options, catalog);
    }
  }

  public JobSummary run() {
    Instant started = Instant.now();
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    DataFormat format =
        options.format() != null
            ? options.format()
            : FormatDetection.detect(options.input(), hadoop);
    DataFormat outputFormat = outputFormat(format);
    requireFormats(format, outputFormat);
    TableMapping mapping = options.tableMode() ? tableMapping(options, catalog) : null;
    RunVersions runs = options.incremental() ? RunVersions.open(options.output(), hadoop) : null;
    // Incremental Delta output: one table MERGEd into each night; file outputs: delta runs.
    DeltaResults table =
        runs != null && outputFormat == DataFormat.DELTA
            ? new DeltaResults(spark, runs.output().resultsTable().toString(), idField())
            : null;
    List<JobOutput.Run> live = runs == null ? List.of() : runs.live();
    Dataset<Row> previous =
        table != null ? table.previous() : live.isEmpty() ? null : RunIndexes.latest(spark, live);
    // A night's rows for a Delta table are staged as Parquet in its run folder, then merged.
    DataFormat writeFormat = table != null ? DataFormat.PARQUET : outputFormat;
    OutputPaths paths =
        runs != null
            ? runs.next()
            : OutputPaths.prepare(options.output(), options.overwrite(), hadoop);
    try {
      JobAccumulators accumulators = new JobAccumulators(context());
      Written written =
          format == DataFormat.JSONL
              ? runJsonLines(mapping, writeFormat, paths, accumulators, previous)
              : runTable(format, mapping, writeFormat, paths, accumulators, runs, table, previous);
      try {
        if (options.responses()) {
          writeResponses(outputFormat, paths);
        }
        Tally tally = tally(writeFormat, paths, runs != null && table == null);
        if (table != null && tally.ok() + tally.error() > 0) {
          // The data's commit; the run's (its usage) follows. A crash in between bills nothing.
          table.commit(spark.read().parquet(paths.results()), runs);
        }
        String results = table != null ? table.table() : paths.results();
        JobSummary summary =
            summarise(
                started, format, outputFormat, paths, results, written, tally, accumulators, runs);
        if (runs != null) {
          runs.commit(RunCommit.Kind.DELTA, idField() == null ? "id" : idField());
          if (options.keepRuns() > 0 && deltaRunsSinceSnapshot(runs) > options.keepRuns()) {
            Compaction.compact(spark, options.output());
          }
        }
        return summary;
      } finally {
        written.selection().release();
      }
    } catch (RuntimeException e) {
      if (runs != null
          && !(e instanceof RunVersions.ConcurrentRunException)
          && runs.lostTheRace()) {
        RunVersions.ConcurrentRunException lost = runs.lost();
        lost.addSuppressed(e);
        throw lost;
      }
      throw e;
    }
  }

  private static long deltaRunsSinceSnapshot(RunVersions runs) {
    return runs.live().stream().filter(run -> run.kind() == RunCommit.Kind.DELTA).count();
  }

  /** The input's format, except CSV, which cannot hold vectors: JSON lines then. */
  private DataFormat outputFormat(DataFormat format) {
    if (options.outputFormat() != null) {
      return options.outputFormat();
    }
    return format == DataFormat.CSV ? DataFormat.JSONL : format;
  }

  /**
   * The input rows this run selected, and the wall time of the pass that ran the models and wrote
   * the results.
   */
  private record Written(Selection selection, double seconds) {}

  /**
   * The field or column holding each row's id: {@code id} in a request file, {@code --id-col} in a
   * table; or null.
   */
  private String idField() {
    return options.tableMode() ? options.idColumn() : "id";
  }

  private void requireFormats(DataFormat format, DataFormat outputFormat) {
    if (format != DataFormat.JSONL && !options.tableMode()) {
      throw new InvalidJobException(
          JobField.FORMAT,
          "a request file must be JSON lines (id, account, task, model, body) but "
              + options.input()
              + " is "
              + format.apiName()
              + "; to enrich a table name the {task} and {map} its fields to columns");
    }
    if (options.incremental()
        && format == DataFormat.JSONL
        && outputFormat != DataFormat.JSONL
        && outputFormat != DataFormat.DELTA) {
      throw new IllegalArgumentException(
          "--incremental: JSON-lines input keeps its results as JSON lines or in a Delta table"
              + " (Parquet or ORC files inferred from each night's rows could differ between"
              + " runs); use --output-format jsonl or delta");
    }
  }

  private Written runJsonLines(
      TableMapping mapping,
      DataFormat outputFormat,
      OutputPaths paths,
      JobAccumulators accumulators,
      Dataset<Row> previous) {
    int partitions = targetPartitions();
    JsonLinesStage stage = new JsonLinesStage(context(), options.input(), partitions);
    JsonLinesStage.Survey survey = stage.survey(mapping == null, options.account(), idField());
    PartitionRunner runner = runner(plan(survey, mapping), accumulators);
    JavaRDD<Tuple2<Long, String>> numbered = stage.numbered(survey);
    LineFormat<?> lineFormat = mapping != null ? new TableLines() : new RequestLines();
    Selection selection;
    if (idField() == null) {
      selection = Selection.all(survey.rows());
    } else {
      JavaRDD<Tuple2<Long, String>> input = numbered;
      Supplier<Dataset<Row>> ids =
          () -> {
            Dataset<Row> rows = InputIds.ofLines(spark, input, idField());
            if (previous == null) {
              return rows;
            }
            UserDefinedFunction hash =
                udf(
                    (UDF2<Long, String, String>)
                        (line, text) -> lineFormat.inputHash(line, text, runner.plan()),
                    DataTypes.StringType);
            return InputIds.withHashes(rows, hash, col(InputIds.ORDER), col(InputIds.TEXT));
          };
      selection = Selection.of(ids, survey.rows(), options.dedupe(), previous, survey.idsUnique());
    }
    if (selection.filtered()) {
      numbered = InputIds.lines(selection.rows());
    }
    JavaRDD<String> lines =
        stage.run(numbered, survey, partitions, selection.filtered(), lineFormat, runner);
    return timed(selection, accumulators, () -> writeLines(lines, outputFormat, paths));
  }

  private Written runTable(
      DataFormat format,
      TableMapping mapping,
      DataFormat outputFormat,
      OutputPaths paths,
      JobAccumulators accumulators,
      RunVersions runs,
      DeltaResults table,
      Dataset<Row> previous) {
    TableStage stage = new TableStage(spark, format, options.input());
    stage.check(mapping);
    if (previous != null) {
      if (table != null) {
        RunIndexes.requireSameColumns(
            spark, table.table(), DataFormat.DELTA, stage.outputSchema(mapping));
      } else {
        RunIndexes.requireSameColumns(
            spark, runs.output(), outputFormat, stage.outputSchema(mapping));
      }
    }
    PartitionRunner runner = runner(plan(mapping), accumulators);
    Dataset<Row> numbered = stage.numbered();
    Selection selection;
    if (mapping.idColumn() == null) {
      selection = Selection.all(stage.count(), numbered);
    } else {
      Dataset<Row> rows =
          numbered.withColumn(InputIds.ID, col("`" + mapping.idColumn() + "`").cast("string"));
      Dataset<Row> ids =
          previous == null
              ? rows
              : InputIds.withHashes(rows, stage.inputHash(runner), struct(stage.inputColumns()));
      selection = Selection.of(() -> ids, stage.count(), options.dedupe(), previous, false);
    }
    Dataset<Row> results =
        stage.run(selection.rows(), selection.filtered(), mapping, targetPartitions(), runner);
    return timed(
        selection,
        accumulators,
        () ->
            results
                .write()
                .mode(SaveMode.ErrorIfExists)
                .format(outputFormat.sparkSource())
                .save(paths.results()));
  }

  /** The plan on every executor, once the devices it will run on are known to work. */
  private PartitionRunner runner(JobPlan plan, JobAccumulators accumulators) {
    java.util.Set<String> engines = new java.util.TreeSet<>();
    plan.models().values().forEach(spec -> engines.add(spec.engine()));
    GpuScheduling.check(context(), engines, options.requireGpu());
    PartitionRunner runner = new PartitionRunner(context().broadcast(plan), accumulators);
    if (spark.sparkContext().isLocal()) {
      Thread preload =
          new Thread(
              () -> {
                try {
                  runner.preload();
                } catch (RuntimeException e) {
                  // The first task loads again and turns the failure into its rows' errors.
                  LOG.debug("preloading the models failed", e);
                }
              },
              "backprop-model-preload");
      preload.setDaemon(true);
      preload.start();
    }
    return runner;
  }

  private JavaSparkContext context() {
    return JavaSparkContext.fromSparkContext(spark.sparkContext());
  }

  /** Enough partitions to keep every core busy to the end: three per core unless told. */
  private int targetPartitions() {
    return options.partitions() > 0 ? options.partitions() : context().defaultParallelism() * 3;
  }

  /** The catalog the options name (the bundled one by default) with their model store. */
  public static ModelCatalog catalog(JobOptions options) {
    ModelStore store =
        options.modelStore() == null
            ? ModelStore.fromEnvironment()
            : new ModelStore(options.modelStore());
    return options.catalog() == null
        ? ModelCatalog.bundled(store)
        : ModelCatalog.load(Path.of(options.catalog()), store);
  }

  private static void requireRunnable(ModelSpec spec) {
    ModelLoader.requireSupported(spec);
    ModelFiles.requireInstalled(spec);
  }

  private static TableMapping tableMapping(JobOptions options, ModelCatalog catalog) {
    ModelSpec spec = catalog.resolve(options.task(), options.model());
    return new TableMapping(options.spec().table(), spec.name());
  }

  /** Table mode: the one model named on the command line (checked in {@link #preflight}). */
  private JobPlan plan(TableMapping mapping) {
    ModelSpec spec = catalog.resolve(mapping.task(), mapping.model());
    requireRunnable(spec);
    return plan(Map.of(spec.qualifiedName(), spec), mapping);
  }

  /**
   * A request file: every model the lines ask for that the catalog knows must be runnable now;
   * names it does not know become error rows (one typo must not stop a million-line job).
   */
  private JobPlan plan(JsonLinesStage.Survey survey, TableMapping mapping) {
    if (mapping != null) {
      return plan(mapping);
    }
    Map<String, ModelSpec> models = new LinkedHashMap<>();
    for (String name : survey.models()) {
      int slash = name.indexOf('/');
      try {
        ModelSpec spec =
            catalog.resolve(Task.fromApiName(name.substring(0, slash)), name.substring(slash + 1));
        requireRunnable(spec);
        models.put(name, spec);
      } catch (ModelException e) {
        if (e.kind() != ModelException.Kind.UNKNOWN_MODEL) {
          throw e;
        }
      }
    }
    return plan(models, null);
  }

  private JobPlan plan(Map<String, ModelSpec> models, TableMapping mapping) {
    Map<Task, List<String>> known = new EnumMap<>(Task.class);
    for (Task task : Task.values()) {
      known.put(task, catalog.namesFor(task));
    }
    Map<String, String> digests = new LinkedHashMap<>();
    models.forEach((name, spec) -> digests.put(name, ModelDigest.of(spec)));
    return new JobPlan(
        models,
        known,
        RunnerOptions.cpu(options.intraOpThreads()),
        options.batchPolicy(),
        options.account(),
        options.fixedAccount(),
        mapping,
        budget,
        digests);
  }

  private void writeLines(JavaRDD<String> lines, DataFormat outputFormat, OutputPaths paths) {
    if (outputFormat == DataFormat.JSONL) {
      TextLines.write(lines, paths.results(), context().hadoopConfiguration());
      return;
    }
    // Run the models once: write JSON lines, then convert what was written.
    spark
        .createDataset(lines.rdd(), Encoders.STRING())
        .write()
        .mode(SaveMode.ErrorIfExists)
        .text(paths.staging());
    spark
        .read()
        .json(paths.staging())
        .write()
        .mode(SaveMode.ErrorIfExists)
        .format(outputFormat.sparkSource())
        .save(paths.results());
    paths.deleteStaging();
  }

  /**
   * Each request line's API response, from the written results: items grouped by line, batch bodies
   * reassembled in index order, lines in input order.
   */
  private void writeResponses(DataFormat outputFormat, OutputPaths paths) {
    Dataset<String> results =
        outputFormat == DataFormat.JSONL
            ? spark.read().textFile(paths.results())
            : spark.read().format(outputFormat.sparkSource()).load(paths.results()).toJSON();
    JavaRDD<String> responses =
        results
            .javaRDD()
            .mapToPair(
                line -> new scala.Tuple2<>(Json.MAPPER.readTree(line).get("line").asLong(), line))
            .groupByKey()
            .sortByKey()
            .map(group -> RequestLines.response(group._2()));
    spark
        .createDataset(responses.rdd(), Encoders.STRING())
        .write()
        .mode(SaveMode.ErrorIfExists)
        .text(paths.responses());
  }

  /** Runs the writing action with a progress line, timing it. */
  private Written timed(Selection selection, JobAccumulators accumulators, Runnable write) {
    long start = System.nanoTime();
    if (options.progress() || rowsDone != null) {
      try (ProgressReporter progress =
          new ProgressReporter(
              spark.sparkContext(),
              accumulators.rowsDoneId(),
              accumulators::rowsDone,
              selection.selected(),
              options.progress() ? System.err : null,
              rowsDone)) {
        write.run();
      }
    } else {
      write.run();
    }
    return new Written(selection, (System.nanoTime() - start) / 1e9);
  }

  /**
   * What this run's written results hold, read back in one pass: counts, devices, errors and usage.
   */
  private record Tally(
      long ok,
      long error,
      List<String> devices,
      Map<String, Long> topErrors,
      List<UsageTally.Group> groups) {}

  /**
   * @param index also write the run's index (incremental runs), from the same read of the results
   */
  private Tally tally(DataFormat outputFormat, OutputPaths paths, boolean index) {
    if (outputFormat == DataFormat.JSONL && !index) {
      List<UsageTally.Group> groups =
          UsageTally.groups(context().textFile(paths.results()), tableAccount(), tableTask());
      return tally(
          groups, () -> topErrors(readResults(outputFormat, paths, false))); // read again if any
    }
    Dataset<Row> results = readResults(outputFormat, paths, index);
    if (index) {
      results = results.persist(StorageLevel.MEMORY_AND_DISK());
      RunIndexes.write(results, paths.index());
    }
    try {
      return tally(results);
    } finally {
      if (index) {
        results.unpersist();
      }
    }
  }

  private Tally tally(Dataset<Row> results) {
    // One pass over what was written gives counts, devices and usage; errors need a second only
    // when there are some.
    return tally(UsageTally.groups(results, tableAccount(), tableTask()), () -> topErrors(results));
  }

  /** Every row's account in table mode (the results have no such column), else null. */
  private String tableAccount() {
    return options.tableMode() ? options.account() : null;
  }

  /** Every row's task in table mode, else null. */
  private String tableTask() {
    return options.tableMode() ? options.task().apiName() : null;
  }

  private static Tally tally(List<UsageTally.Group> groups, Supplier<Map<String, Long>> topErrors) {
    long ok =
        groups.stream()
            .filter(g -> g.status().equals("ok"))
            .mapToLong(UsageTally.Group::rows)
            .sum();
    long error =
        groups.stream()
            .filter(g -> g.status().equals("error"))
            .mapToLong(UsageTally.Group::rows)
            .sum();
    List<String> devices =
        groups.stream()
            .map(UsageTally.Group::device)
            .filter(java.util.Objects::nonNull)
            .distinct()
            .sorted()
            .toList();
    return new Tally(ok, error, devices, error > 0 ? topErrors.get() : Map.of(), groups);
  }

  /** The five most frequent error messages with their counts, most frequent first. */
  private static Map<String, Long> topErrors(Dataset<Row> results) {
    Map<String, Long> topErrors = new LinkedHashMap<>();
    results
        .filter(col(ResultColumns.STATUS).equalTo("error"))
        .groupBy(ResultColumns.ERROR)
        .count()
        .orderBy(desc("count"))
        .limit(5)
        .collectAsList()
        .forEach(r -> topErrors.put(r.getString(0), r.getLong(1)));
    return topErrors;
  }

  private JobSummary summarise(
      Instant started,
      DataFormat format,
      DataFormat outputFormat,
      OutputPaths paths,
      String results,
      Written written,
      Tally tally,
      JobAccumulators accumulators,
      RunVersions runs) {
    List<UsageTally.Usage> usage = UsageTally.usage(tally.groups(), PERIOD.format(started));
    Selection selection = written.selection();
    try {
      paths.writeUsage(usage.stream().map(u -> toJson(u)).toList());
      JobSummary summary =
          new JobSummary(
              options.input(),
              options.output(),
              results,
              paths.usage(),
              options.tableMode() ? options.task().apiName() : "request-file",
              format.name().toLowerCase(),
              outputFormat.name().toLowerCase(),
              started.toString(),
              selection.inputRows(),
              tally.ok() + tally.error(),
              tally.ok(),
              tally.error(),
              tally.topErrors(),
              tally.devices(),
              accumulators.modelLoads(),
              written.seconds(),
              selection.selected() / Math.max(written.seconds(), 1e-9),
              usage,
              runs == null ? null : OutputLayout.runName(runs.version()),
              selection.duplicatesDropped(),
              selection.skippedDone(),
              selection.changes().added(),
              selection.changes().changed(),
              selection.changes().retried(),
              idField(),
              java.time.Duration.between(started, Instant.now()).toMillis() / 1000.0);
      paths.writeSummary(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(summary));
      return summary;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the job summary", e);
    }
  }

  private static String toJson(UsageTally.Usage usage) {
    try {
      return Json.MAPPER.writeValueAsString(usage);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The written results, only the columns the summary and usage need, and with {@code withIds} each
   * row's id ({@link InputIds#ID}) and input hash for the run's index.
   */
  private Dataset<Row> readResults(DataFormat outputFormat, OutputPaths paths, boolean withIds) {
    List<String> columns =
        new ArrayList<>(
            List.of(
                ResultColumns.STATUS,
                ResultColumns.ERROR,
                ResultColumns.MODEL,
                ResultColumns.DEVICE,
                ResultColumns.COMPUTE_MS));
    if (!options.tableMode()) {
      columns.addAll(List.of("account", "task"));
    }
    if (withIds) {
      columns.add(InputHash.COLUMN);
    }
    Dataset<Row> results;
    if (outputFormat == DataFormat.JSONL) {
      // Ids as text whatever their JSON type (42 and "42" are one id), as the input's are read.
      StructType schema = new StructType();
      for (String column : columns) {
        schema =
            schema.add(
                column,
                column.equals(ResultColumns.COMPUTE_MS)
                    ? DataTypes.DoubleType
                    : DataTypes.StringType);
      }
      if (withIds && !columns.contains(idField())) {
        schema = schema.add(idField(), DataTypes.StringType);
      }
      results = spark.read().schema(schema).json(paths.results());
    } else {
      results = spark.read().format(outputFormat.sparkSource()).load(paths.results());
    }
    Column[] selected = columns.stream().map(name -> col("`" + name + "`")).toArray(Column[]::new);
    if (withIds) {
      return results
          .withColumn(InputIds.ID, col("`" + idField() + "`").cast("string"))
          .select(
              java.util.stream.Stream.concat(
                      java.util.Arrays.stream(selected),
                      java.util.stream.Stream.of(col(InputIds.ID)))
                  .toArray(Column[]::new));
    }
    return results.select(selected);
  }
}
