package co.backprop.jobs.cli;

import co.backprop.jobs.spark.StandaloneCluster;
import co.backprop.jobs.spark.StandaloneCluster.Shape;
import co.backprop.jobs.spark.StandaloneCluster.State;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description = {
      "Starts or stops a Spark standalone cluster (a master and workers, each its own JVM) on",
      "loopback, from the project's jars. Submit to it with --master spark://..."
    },
    subcommands = {
      ClusterCommand.StartCommand.class,
      ClusterCommand.StopCommand.class,
      ClusterCommand.StatusCommand.class
    })
public final class ClusterCommand {
  static final class Folder {
    @Option(
        names = "--dir",
        description = "The cluster's folder: jars, logs, executors' work (default: out/cluster).")
    Path dir;

    Path dir() {
      return (dir == null ? StandaloneCluster.defaultDir() : dir).toAbsolutePath();
    }
  }

  @Command(
      name = "start",
      mixinStandardHelpOptions = true,
      description = {
        "Starts the master and the workers, waits until every worker has registered and prints",
        "the master's spark:// URL (alone on stdout)."
      })
  static final class StartCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin Folder folder;

    @Option(names = "--workers", defaultValue = "2", description = "Workers (default: 2).")
    int workers;

    @Option(
        names = "--cores",
        defaultValue = "1",
        description = "Cores each worker offers (default: 1).")
    int cores;

    @Option(
        names = "--memory",
        defaultValue = "1g",
        description = "Memory each worker offers its executors, e.g. 2g (default: 1g).")
    String memory;

    @Option(
        names = "--port",
        defaultValue = "7077",
        description = "The master's port; 0 for any free one (default: 7077).")
    int port;

    @Option(
        names = "--timeout",
        defaultValue = "60",
        description = "Seconds to wait for the workers to register (default: 60).")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
      State state =
          StandaloneCluster.start(
              folder.dir(),
              new Shape(workers, cores, memory, port),
              StandaloneCluster.thisClasspath(),
              Duration.ofSeconds(timeoutSeconds));
      System.out.println(state.masterUrl());
      System.err.printf(
          "cluster: %d worker(s) x %d core(s), %s each; web UI %s; executor logs in %s;"
              + " spark-submit: %s/bin/spark-submit; stop with `bin/backprop cluster stop%s`%n",
          workers,
          cores,
          memory,
          state.webUi(),
          state.workDir(),
          state.sparkHome(),
          folder.dir == null ? "" : " --dir " + folder.dir);
      return 0;
    }
  }

  @Command(
      name = "stop",
      mixinStandardHelpOptions = true,
      description = "Stops the cluster started from the folder: workers, executors, master.")
  static final class StopCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin Folder folder;

    @Override
    public Integer call() throws Exception {
      boolean stopped = StandaloneCluster.stop(folder.dir());
      System.err.println(stopped ? "cluster stopped" : "no cluster runs from " + folder.dir());
      return 0;
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = "Prints the running cluster's spark:// URL; exit 1 when none runs.")
  static final class StatusCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin Folder folder;

    @Override
    public Integer call() {
      Optional<State> state = StandaloneCluster.running(folder.dir());
      state.ifPresentOrElse(
          s -> System.out.println(s.masterUrl()),
          () -> System.err.println("no cluster runs from " + folder.dir()));
      return state.isPresent() ? 0 : 1;
    }
  }
}
