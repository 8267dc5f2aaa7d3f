package co.backprop.serving;

import co.backprop.cli.ParentProcess;
import co.backprop.cli.StoreOptions;
import co.backprop.contract.model.ModelStore;
import co.backprop.engines.pipeline.BatchPolicy;
import co.backprop.engines.runner.RunnerOptions;
import co.backprop.store.Store;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "serving",
    mixinStandardHelpOptions = true,
    description = {
      "Answers the front doors' task calls from models kept loaded, merging concurrent calls into"
          + " micro-batches.",
      "bin/backprop serve starts one; start more (on other hosts, with a shared store) to scale"
          + " out."
    })
public final class ServingCommand implements Callable<Integer> {
  @Mixin StoreOptions location;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description =
          "Address to listen on, as the front doors reach it (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--port",
      defaultValue = "0",
      description = "Port (default: any free one; it is announced in the store).")
  int port;

  @Option(
      names = "--preload",
      split = ",",
      description =
          "Models to load before answering, as task/model (the bundled ones always are), e.g."
              + " qa/english.")
  List<String> preload = new ArrayList<>();

  @Option(
      names = "--runners",
      defaultValue = "0",
      description =
          "Threads running batches, each on its own share of the cores (default: one per core:"
              + " calls that arrive while they run form the next batches).")
  int runners;

  @Option(
      names = "--engine-threads",
      defaultValue = "0",
      description =
          "Engine threads of one forward pass (default: the cores shared among the runners)."
              + " More threads per pass answer a lone call sooner; one per runner answers more"
              + " calls per second.")
  int engineThreads;

  @Option(
      names = "--queue",
      defaultValue = "256",
      description = "Calls that may wait; more go to the job queue (default: ${DEFAULT-VALUE}).")
  int queue;

  @Option(
      names = "--gather-ms",
      defaultValue = "5",
      description =
          "How long a batch waits for company after its first call, when calls arrive faster than"
              + " that (default: ${DEFAULT-VALUE} ms).")
  double gatherMs;

  @Option(
      names = "--parent-pid",
      description = "Exit when this process ends: serve passes its own.")
  Long parentPid;

  @Override
  public Integer call() throws InterruptedException {
    // One single-threaded runner per core: on 2 cores about 1.5x the calls/s of one runner with
    // two engine threads, whose threads spin between operators on cores the front door needs.
    int threads = runners > 0 ? runners : Runtime.getRuntime().availableProcessors();
    int perPass =
        engineThreads > 0
            ? engineThreads
            : Math.max(1, Runtime.getRuntime().availableProcessors() / threads);
    String id = "serving-" + ManagementFactory.getRuntimeMXBean().getName();
    try (Store store = location.open()) {
      ServedModels models =
          new ServedModels(
              new ModelStore(location.data().resolve("models")),
              store.models(),
              RunnerOptions.cpu(perPass),
              Clock.systemUTC());
      ServingServer.Settings settings =
          new ServingServer.Settings(
              host,
              port,
              threads,
              queue,
              Duration.ofNanos((long) (gatherMs * 1e6)),
              BatchPolicy.DEFAULT);
      ServingServer server = ServingServer.start(id, settings, models, store.serving());
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    server.close();
                    stopped.countDown();
                  },
                  "backprop-serving-stop"));
      if (parentPid != null) {
        // System.exit runs the shutdown hook, which withdraws this process from the store.
        ParentProcess.whenGone(parentPid, "serving process", () -> System.exit(0));
      }
      LinkedHashSet<String> toLoad = new LinkedHashSet<>(ServingServer.bundledModels(models));
      toLoad.addAll(preload);
      server.preload(List.copyOf(toLoad));
      System.out.println(
          "serving ready on "
              + server.url()
              + " ("
              + threads
              + " runner(s), "
              + perPass
              + " engine thread(s) each): "
              + String.join(", ", toLoad));
      stopped.await();
    }
    return 0;
  }
}
