package co.backprop.jobs.cli;

import co.backprop.contract.model.ModelException;
import co.backprop.contract.task.InvalidRequestException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/backprop}: the launcher's entry point. */
@Command(
    name = "backprop",
    mixinStandardHelpOptions = true,
    description = "Backprop API tasks as batch inference on Apache Spark.",
    subcommands = {JobCommand.class, ModelsCommand.class, co.backprop.jobs.worker.WorkerCommand.class, BenchCommand.class, BenchGenerationCommand.class, ReportCommand.class, SamplesCommand.class})
public final class BackpropCommand {
  public static void main(String[] args) {
    System.exit(commandLine(new BackpropCommand()).execute(args));
  }

  /** A command line that reports expected failures as one clear line, and bugs with their trace. */
  public static CommandLine commandLine(Object command) {
    return new CommandLine(command)
        .setExecutionExceptionHandler(
            (exception, commandLine, parseResult) -> {
              if (exception instanceof IllegalArgumentException
                  || exception instanceof ModelException
                  || exception instanceof InvalidRequestException) {
                commandLine.getErr().println("error: " + exception.getMessage());
                return 2;
              }
              if (exception instanceof java.io.IOException) {
                Throwable cause = exception.getCause();
                commandLine.getErr().println("error: " + exception.getMessage() + (cause == null ? "" : " (" + cause.getMessage() + ")"));
                return 3;
              }
              commandLine.getErr().println("error: " + exception);
              exception.printStackTrace(commandLine.getErr());
              return 1;
            });
  }
}
