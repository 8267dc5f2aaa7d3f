package co.backprop.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Every subcommand of {@code backprop}, in the order help lists them, with the JVM it runs in. The
 * front door (Javalin, servlet 6) and Spark (servlet 5) cannot share a JVM, so {@code bin/backprop}
 * starts the one a subcommand needs; both know the whole list.
 */
public enum Subcommand {
  DEMO(
      "demo",
      Runtime.SPARK,
      "Vectorise the bundled sample catalogue with local Spark and the bundled model"),
  JOB("job", Runtime.SPARK, "Run a task over a table, or a file of API requests, with Spark"),
  MODELS("models", Runtime.SPARK, "List the model catalog; fetch models into the model store"),
  REPORT("report", Runtime.SPARK, "Write a self-contained HTML report of a finished job"),
  RESULTS("results", Runtime.SPARK, "Write the current rows of a job's output as JSON lines"),
  COMPACT("compact", Runtime.SPARK, "Fold the runs of an incremental output into one snapshot"),
  SQL("sql", Runtime.SPARK, "Run Spark SQL with the Backprop functions over tables"),
  CLUSTER(
      "cluster",
      Runtime.SPARK,
      "Start or stop a Spark standalone cluster (master and workers) on this machine"),
  SAMPLES("samples", Runtime.SPARK, "Write the bundled sample datasets"),
  SERVE("serve", Runtime.FRONT_DOOR, "Start the REST front door (and a local worker)"),
  WORKER("worker", Runtime.SPARK, "Run the front door's queued jobs: a long-running Spark driver"),
  SERVING("serving", Runtime.SPARK, "Answer the front door's task calls from models kept loaded"),
  ACCOUNTS("accounts", Runtime.FRONT_DOOR, "Create accounts and their API keys"),
  USAGE("usage", Runtime.FRONT_DOOR, "Bill a job's output to the usage ledger"),
  BENCH("bench", Runtime.SPARK, "Benchmark: the Spark job against a bare ONNX Runtime loop"),
  BENCH_GENERATION(
      "bench-generation",
      Runtime.SPARK,
      "Benchmark: text generation with and without the KV cache"),
  BENCH_FRONTDOOR(
      "bench-frontdoor",
      Runtime.FRONT_DOOR,
      "Benchmark: the front door's calls and job submissions");

  /** Which JVM a subcommand runs in. */
  public enum Runtime {
    /** The application jar on Spark's classpath (SparkSubmit): jobs, workers, models. */
    SPARK,
    /** The front door's jar, without Spark: the HTTP server and what only touches the store. */
    FRONT_DOOR
  }

  private final String commandName;
  private final Runtime runtime;
  private final String summary;

  Subcommand(String commandName, Runtime runtime, String summary) {
    this.commandName = commandName;
    this.runtime = runtime;
    this.summary = summary;
  }

  public String commandName() {
    return commandName;
  }

  public Runtime runtime() {
    return runtime;
  }

  /** The one line {@code backprop --help} shows for it. */
  public String summary() {
    return summary;
  }

  public static Optional<Subcommand> named(String name) {
    return Arrays.stream(values()).filter(s -> s.commandName.equals(name)).findFirst();
  }

  public static List<Subcommand> of(Runtime runtime) {
    return Arrays.stream(values()).filter(s -> s.runtime == runtime).toList();
  }
}
