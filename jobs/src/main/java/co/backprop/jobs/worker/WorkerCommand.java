package co.backprop.jobs.worker;

import co.backprop.cli.ParentProcess;
import co.backprop.cli.StoreOptions;
import co.backprop.contract.model.ModelStore;
import co.backprop.jobs.spark.SparkOptions;
import co.backprop.store.JobQueue;
import co.backprop.store.Store;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description = {
      "A long-running Spark driver that runs the front door's jobs from the job store.",
      "bin/backprop serve starts one; start more (on other hosts, with a shared store) to scale"
          + " out."
    })
public final class WorkerCommand implements Callable<Integer> {
  @Mixin StoreOptions location;

  @Option(
      names = "--lease",
      defaultValue = "30s",
      description = "How long a claim lasts without renewal (default: ${DEFAULT-VALUE}).")
  String lease;

  @Option(
      names = "--poll",
      defaultValue = "100ms",
      description = "How often an idle worker looks for work (default: ${DEFAULT-VALUE}).")
  String poll;

  @Mixin SparkOptions sparkOptions;

  @Option(
      names = "--max-running-jobs",
      defaultValue = "1",
      description =
          "Jobs of one account running at once across workers; accounts take turns (default:"
              + " ${DEFAULT-VALUE}).")
  int maxRunningJobs;

  @Option(
      names = "--max-attempts",
      defaultValue = "3",
      description =
          "Attempts a job gets when its workers keep dying on it; then it fails (default:"
              + " ${DEFAULT-VALUE}).")
  int maxAttempts;

  @Option(
      names = "--parent-pid",
      description =
          "Exit (the running job back in the queue) when this process ends: serve passes its own.")
  Long parentPid;

  static Duration duration(String text) {
    String value = text.trim().toLowerCase(java.util.Locale.ROOT);
    if (value.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
    }
    if (value.endsWith("s")) {
      return Duration.ofMillis(
          Math.round(Double.parseDouble(value.substring(0, value.length() - 1)) * 1000));
    }
    return Duration.ofMillis(Long.parseLong(value));
  }

  @Override
  public Integer call() throws InterruptedException {
    Store store = location.open();
    String id = ManagementFactory.getRuntimeMXBean().getName(); // pid@host: unique per process
    Worker worker =
        new Worker(
            () -> sparkOptions.session("backprop worker " + id),
            sparkOptions.executorTimeout(),
            store,
            new ModelStore(location.data().resolve("models")),
            id,
            duration(lease),
            duration(poll),
            new JobQueue.Policy(maxRunningJobs, maxAttempts),
            Clock.systemUTC());
    // SIGTERM: the running job goes back to the queue before the JVM ends.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  worker.stop();
                  try {
                    worker.awaitStopped(Duration.ofSeconds(20));
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "backprop-worker-stop"));
    if (parentPid != null) {
      ParentProcess.whenGone(parentPid, "worker", worker::stop);
    }
    try {
      worker.run();
    } finally {
      worker.stopSpark();
      store.close();
    }
    return 0;
  }
}
