package co.backprop.frontdoor.cli;

import co.backprop.frontdoor.FrontDoorBenchmark;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "bench-frontdoor",
    mixinStandardHelpOptions = true,
    description = {
      "Latency and rate of task calls (one at a time and concurrent) and of POST /jobs, with a"
          + " serving process",
      "and a worker, against the bare ONNX Runtime loop measured on the same machine in the same"
          + " run. Not a test."
    })
final class BenchFrontDoorCommand implements Callable<Integer> {
  @Option(
      names = "--data",
      defaultValue = "out/bench-frontdoor",
      description = "Scratch data folder (default: ${DEFAULT-VALUE}).")
  Path data;

  @Option(
      names = "--calls",
      defaultValue = "300",
      description =
          "Sequential calls; four times as many concurrent ones (default: ${DEFAULT-VALUE}).")
  int calls;

  @Option(
      names = "--concurrency",
      defaultValue = "16",
      description = "Concurrent task calls (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(
      names = "--jobs",
      defaultValue = "2000",
      description = "Job submissions (default: ${DEFAULT-VALUE}).")
  int jobs;

  @Option(
      names = "--job-concurrency",
      defaultValue = "8",
      description = "Concurrent job submissions (default: ${DEFAULT-VALUE}).")
  int jobConcurrency;

  @Override
  public Integer call() throws Exception {
    String launcher = System.getProperty("backprop.launcher", "bin/backprop");
    String folder = data.toAbsolutePath().toString();
    String self = String.valueOf(ProcessHandle.current().pid());
    new FrontDoorBenchmark(
            data,
            List.of(launcher, "serving", "--data", folder, "--parent-pid", self),
            List.of(
                launcher,
                "bench",
                "--bare-only",
                "--sentences",
                "3000",
                "--work",
                folder + "/bare"),
            calls,
            concurrency,
            jobs,
            jobConcurrency)
        .run();
    return 0;
  }
}
