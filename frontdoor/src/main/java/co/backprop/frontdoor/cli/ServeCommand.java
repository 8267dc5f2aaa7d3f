package co.backprop.frontdoor.cli;

import co.backprop.cli.StoreOptions;
import co.backprop.frontdoor.FrontDoor;
import co.backprop.frontdoor.FrontDoorConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serves the Backprop API over HTTP; task calls and /jobs run on workers that share the job"
          + " store.",
      "Each account reads and writes only its own folder DATA/files/<account>/ and what 'accounts"
          + " grant' gave it."
    })
final class ServeCommand implements Callable<Integer> {
  @Mixin StoreOptions location;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description =
          "Interface to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for every one — put TLS in"
              + " front, see README).")
  String host;

  @Option(
      names = "--port",
      defaultValue = "8080",
      description = "Port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--sync-wait",
      defaultValue = "30",
      description =
          "Seconds a task endpoint waits before answering 202 (default: ${DEFAULT-VALUE}).")
  double syncWait;

  @Option(
      names = "--max-body-mb",
      defaultValue = "20",
      description = "Largest task or job body (default: ${DEFAULT-VALUE} MB).")
  long maxBodyMb;

  @Option(
      names = "--max-upload-mb",
      defaultValue = "5120",
      description = "Largest model zip (default: ${DEFAULT-VALUE} MB).")
  long maxUploadMb;

  @Option(
      names = "--max-queued-jobs",
      defaultValue = "100",
      description =
          "Jobs one account may have waiting; more are answered 429 (default: ${DEFAULT-VALUE}).")
  int maxQueuedJobs;

  @Option(
      names = "--max-running-jobs",
      defaultValue = "1",
      description =
          "Jobs of one account the local worker runs at once; accounts take turns (default:"
              + " ${DEFAULT-VALUE}).")
  int maxRunningJobs;

  @Option(
      names = "--max-upload-urls",
      defaultValue = "10",
      description = "Unused upload URLs one account may hold (default: ${DEFAULT-VALUE}).")
  int maxUploadUrls;

  @Option(
      names = "--max-models",
      defaultValue = "20",
      description =
          "Models one account may hold, built or not; each one called is loaded in the worker and"
              + " the serving processes (default: ${DEFAULT-VALUE}).")
  int maxModels;

  @Option(
      names = "--preload",
      split = ",",
      description =
          "Models the serving process loads before serve is ready, as task/model (the bundled ones"
              + " always are).")
  List<String> preload = new ArrayList<>();

  @Option(
      names = "--no-serving",
      description =
          "Start no serving process: task calls run as jobs (start serving processes with"
              + " bin/backprop serving).")
  boolean noServing;

  @Option(
      names = "--no-worker",
      description = "Do not start a local worker (start them with bin/backprop worker).")
  boolean noWorker;

  @Option(
      names = "--hadoop",
      description = "A Hadoop setting for job outputs, e.g. --hadoop fs.s3a.endpoint=http://...")
  Map<String, String> hadoopSettings = new LinkedHashMap<>();

  @Override
  public Integer call() throws InterruptedException {
    Path data = location.data();
    List<String> worker = new ArrayList<>();
    if (!noWorker) {
      worker.add(System.getProperty("backprop.launcher", "bin/backprop"));
      worker.add("worker");
      worker.addAll(location.arguments());
      worker.addAll(List.of("--max-running-jobs", String.valueOf(maxRunningJobs)));
      // The worker exits when this JVM dies, however it dies (kill -9 included).
      worker.addAll(List.of("--parent-pid", String.valueOf(ProcessHandle.current().pid())));
      hadoopSettings.forEach(
          (key, value) -> worker.addAll(List.of("--conf", "spark.hadoop." + key + "=" + value)));
    }
    List<String> serving = new ArrayList<>();
    if (!noServing) {
      serving.add(System.getProperty("backprop.launcher", "bin/backprop"));
      serving.add("serving");
      serving.addAll(location.arguments());
      serving.addAll(List.of("--parent-pid", String.valueOf(ProcessHandle.current().pid())));
      if (!preload.isEmpty()) {
        serving.addAll(List.of("--preload", String.join(",", preload)));
      }
    }
    FrontDoorConfig config =
        FrontDoorConfig.builder(data)
            .optStoreUrl(location.storeUrl())
            .optHost(host)
            .optPort(port)
            .optSyncWait(Duration.ofMillis((long) (syncWait * 1000)))
            .optMaxBodyBytes(maxBodyMb << 20)
            .optMaxUploadBytes(maxUploadMb << 20)
            .optMaxQueuedJobs(maxQueuedJobs)
            .optMaxOpenUploads(maxUploadUrls)
            .optMaxModels(maxModels)
            .optWorkerCommand(worker)
            .optServingCommand(serving)
            .optHadoopSettings(hadoopSettings)
            .build();
    FrontDoor frontDoor = FrontDoor.start(config);
    System.out.println(
        "front door listening on http://"
            + host
            + ":"
            + frontDoor.port()
            + " (data in "
            + config.data()
            + "); web console on http://"
            + host
            + ":"
            + frontDoor.port()
            + "/console");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  frontDoor.close();
                  stopped.countDown();
                }));
    stopped.await();
    return 0;
  }
}
