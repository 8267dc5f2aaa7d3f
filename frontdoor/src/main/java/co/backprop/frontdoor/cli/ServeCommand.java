package co.backprop.frontdoor.cli;

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
    description =
        "Serves the Backprop API over HTTP; task calls and /jobs run on workers that share the job"
            + " store.")
final class ServeCommand implements Callable<Integer> {
  @Mixin StoreOptions location;

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
      names = "--allow-path",
      description =
          "A local folder jobs may read and write (repeatable; the data folder's files/ always).")
  List<Path> allowedPaths = new ArrayList<>();

  @Option(
      names = "--no-worker",
      description = "Do not start a local worker (start them with bin/backprop worker).")
  boolean noWorker;

  @Option(
      names = "--hadoop",
      description =
          "A Hadoop setting for reading job outputs, e.g. --hadoop fs.s3a.endpoint=http://...")
  Map<String, String> hadoopSettings = new LinkedHashMap<>();

  @Override
  public Integer call() throws InterruptedException {
    Path data = location.data;
    List<Path> roots = new ArrayList<>(allowedPaths);
    roots.add(data.resolve("files"));
    List<String> worker = new ArrayList<>();
    if (!noWorker) {
      worker.add(System.getProperty("backprop.launcher", "bin/backprop"));
      worker.addAll(List.of("worker", "--data", data.toAbsolutePath().toString()));
      if (location.store != null) {
        worker.addAll(List.of("--store", location.store));
      }
      hadoopSettings.forEach(
          (key, value) -> worker.addAll(List.of("--conf", "spark.hadoop." + key + "=" + value)));
    }
    FrontDoorConfig config =
        new FrontDoorConfig(
            data,
            location.store,
            port,
            Duration.ofMillis((long) (syncWait * 1000)),
            maxBodyMb << 20,
            maxUploadMb << 20,
            roots,
            worker,
            hadoopSettings);
    FrontDoor frontDoor = FrontDoor.start(config);
    System.out.println(
        "front door listening on http://localhost:"
            + frontDoor.port()
            + " (data in "
            + config.data()
            + ")");
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
