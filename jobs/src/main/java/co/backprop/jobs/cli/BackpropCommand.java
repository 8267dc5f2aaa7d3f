package co.backprop.jobs.cli;

import co.backprop.cli.Cli;
import co.backprop.cli.Subcommand;
import co.backprop.jobs.worker.WorkerCommand;
import co.backprop.serving.ServingCommand;

/**
 * {@code bin/backprop}'s entry point in Spark's JVM: the one command line, with this JVM's
 * subcommands.
 */
public final class BackpropCommand {
  private BackpropCommand() {}

  public static void main(String[] args) {
    Cli.main(
        Subcommand.Runtime.SPARK,
        args,
        new DemoCommand(),
        new JobCommand(),
        new ModelsCommand(),
        new ReportCommand(),
        new ResultsCommand(),
        new SqlCommand(),
        new ClusterCommand(),
        new CompactCommand(),
        new SamplesCommand(),
        new WorkerCommand(),
        new ServingCommand(),
        new BenchCommand(),
        new BenchGenerationCommand());
  }
}
