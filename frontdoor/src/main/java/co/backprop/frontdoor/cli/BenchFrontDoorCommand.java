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
    description =
        "Enqueue rate and latency of POST /jobs and of small task calls, with a local worker. Not a"
            + " test.")
final class BenchFrontDoorCommand implements Callable<Integer> {
  @Option(
      names = "--data",
      defaultValue = "out/bench-frontdoor",
      description = "Scratch data folder (default: ${DEFAULT-VALUE}).")
  Path data;

  @Option(names = "--concurrency", defaultValue = "8")
  int concurrency;

  @Option(names = "--jobs", defaultValue = "400")
  int jobs;

  @Option(names = "--calls", defaultValue = "40")
  int calls;

  @Override
  public Integer call() throws Exception {
    List<String> worker =
        List.of(
            System.getProperty("backprop.launcher", "bin/backprop"),
            "worker",
            "--data",
            data.toAbsolutePath().toString());
    new FrontDoorBenchmark(data, worker, concurrency, jobs, calls).run();
    return 0;
  }
}
