package co.backprop.frontdoor;

import co.backprop.store.JobStore;
import co.backprop.frontdoor.usage.UsageImport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The front door's commands: {@code serve}, {@code accounts create}, {@code usage import}. */
@Command(
    name = "backprop",
    mixinStandardHelpOptions = true,
    subcommands = {FrontDoorCommand.Serve.class, FrontDoorCommand.Accounts.class, FrontDoorCommand.Usage.class, FrontDoorCommand.Bench.class})
public final class FrontDoorCommand {
  public static void main(String[] args) {
    CommandLine commandLine =
        new CommandLine(new FrontDoorCommand())
            .setExecutionExceptionHandler((exception, cmd, parse) -> {
              if (exception instanceof IllegalArgumentException || exception instanceof JobStore.StoreException) {
                cmd.getErr().println("error: " + exception.getMessage());
                return 2;
              }
              throw exception;
            });
    int exit = commandLine.execute(args);
    if (exit != 0 || args.length == 0 || !args[0].equals("serve")) {
      System.exit(exit);
    }
  }

  /** The data folder and job store options of the commands that open the store. */
  static final class StoreLocation {
    @Option(names = "--data", defaultValue = "data", description = "Data folder (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--store", description = "JDBC URL of the job store (default: SQLite in the data folder).")
    String store;

    JobStore open() {
      return JobStore.forDataFolder(data, store);
    }
  }

  @Command(name = "serve", mixinStandardHelpOptions = true, description = "Starts the REST front door and, by default, a local worker.")
  static final class Serve implements Callable<Integer> {
    @Mixin StoreLocation location;

    @Option(names = "--port", defaultValue = "8080", description = "Port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--sync-wait", defaultValue = "30", description = "Seconds a task endpoint waits before answering 202 (default: ${DEFAULT-VALUE}).")
    double syncWait;

    @Option(names = "--max-body-mb", defaultValue = "20", description = "Largest task or job body (default: ${DEFAULT-VALUE} MB).")
    long maxBodyMb;

    @Option(names = "--max-upload-mb", defaultValue = "5120", description = "Largest model zip (default: ${DEFAULT-VALUE} MB).")
    long maxUploadMb;

    @Option(names = "--allow-path", description = "A local folder jobs may read and write (repeatable; the data folder's files/ always).")
    List<Path> allowedPaths = new ArrayList<>();

    @Option(names = "--no-worker", description = "Do not start a local worker (start them with bin/backprop worker).")
    boolean noWorker;

    @Override
    public Integer call() throws InterruptedException {
      Path data = location.data;
      String store = location.store;
      List<Path> roots = new ArrayList<>(allowedPaths);
      roots.add(data.resolve("files"));
      List<String> worker = new ArrayList<>();
      if (!noWorker) {
        worker.add(System.getProperty("backprop.launcher", "bin/backprop"));
        worker.addAll(List.of("worker", "--data", data.toAbsolutePath().toString()));
        if (store != null) {
          worker.addAll(List.of("--store", store));
        }
      }
      FrontDoorConfig config =
          new FrontDoorConfig(data, store, port, Duration.ofMillis((long) (syncWait * 1000)), maxBodyMb << 20, maxUploadMb << 20, roots, worker);
      FrontDoor frontDoor = FrontDoor.start(config);
      System.out.println("front door listening on http://localhost:" + frontDoor.port() + " (data in " + config.data() + ")");
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        frontDoor.close();
        stopped.countDown();
      }));
      stopped.await();
      return 0;
    }
  }

  @Command(name = "bench-frontdoor", mixinStandardHelpOptions = true,
      description = "Enqueue rate and latency of POST /jobs and of small task calls, with a local worker. Not a test.")
  static final class Bench implements Callable<Integer> {
    @Option(names = "--data", defaultValue = "out/bench-frontdoor", description = "Scratch data folder (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--concurrency", defaultValue = "8")
    int concurrency;

    @Option(names = "--jobs", defaultValue = "400")
    int jobs;

    @Option(names = "--calls", defaultValue = "40")
    int calls;

    @Override
    public Integer call() throws Exception {
      List<String> worker = List.of(System.getProperty("backprop.launcher", "bin/backprop"), "worker", "--data", data.toAbsolutePath().toString());
      new FrontDoorBenchmark(data, worker, concurrency, jobs, calls).run();
      return 0;
    }
  }

  @Command(name = "accounts", mixinStandardHelpOptions = true, description = "Accounts and their API keys.",
      subcommands = {Accounts.Create.class})
  static final class Accounts {
    @Command(name = "create", mixinStandardHelpOptions = true, description = "Creates an account; prints its API key once, alone on the last line.")
    static final class Create implements Callable<Integer> {
      @Parameters(paramLabel = "NAME")
      String name;

      @Mixin StoreLocation location;

      @Override
      public Integer call() {
        String key = location.open().createAccount(name);
        System.out.println("created account " + name + "; its API key (shown once, stored as a hash):");
        System.out.println(key);
        return 0;
      }
    }
  }

  @Command(name = "usage", mixinStandardHelpOptions = true, description = "The usage ledger.", subcommands = {Usage.Import.class})
  static final class Usage {
    @Command(name = "import", mixinStandardHelpOptions = true,
        description = "Bills the usage of a job's output (bin/backprop job, spark-submit) to the ledger; importing twice counts once.")
    static final class Import implements Callable<Integer> {
      @Parameters(paramLabel = "OUTPUT", description = "The job's output folder (with summary.json, or v0001/... runs of --incremental).")
      Path output;

      @Mixin StoreLocation location;

      @Override
      public Integer call() throws Exception {
        for (UsageImport.Imported imported : UsageImport.of(location.open(), output)) {
          System.out.printf("imported %d usage rows from %s (%d already counted)%n", imported.rows() - imported.alreadyCounted(),
              imported.source(), imported.alreadyCounted());
        }
        return 0;
      }
    }
  }
}
