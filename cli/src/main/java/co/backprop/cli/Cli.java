package co.backprop.cli;

import co.backprop.contract.UserError;
import co.backprop.contract.job.InvalidJobException;
import co.backprop.contract.job.JobField;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code backprop} command line, the same in both JVMs: every {@link Subcommand} listed, the
 * ones of this JVM runnable, and one way to report failures — a user's mistake is one line and exit
 * 2, an unreadable or unwritable path one line and exit 3, anything else a bug with its stack trace
 * and exit 1.
 */
public final class Cli {
  /** Exit code of a mistake the user can fix (a bad flag, an unknown model, a missing input). */
  public static final int USER_ERROR = 2;

  /** Exit code of a failure to read or write (a path, a store, a cluster that went away). */
  public static final int IO_ERROR = 3;

  @Command(
      name = "backprop",
      mixinStandardHelpOptions = true,
      version = "backprop 0.1.0",
      description = "Backprop API tasks as batch inference on Apache Spark.",
      footer = {
        "",
        "Run 'backprop COMMAND --help' for a command's options; add --verbose to any command for"
            + " Spark's own logs."
      })
  static final class Root {}

  private Cli() {}

  /**
   * The command line of one JVM.
   *
   * @param runtime the JVM this is
   * @param commands this JVM's subcommands (picocli command objects or command lines), one per
   *     {@link Subcommand} of the runtime
   */
  public static CommandLine commandLine(Subcommand.Runtime runtime, Object... commands) {
    Map<String, CommandLine> byName = new LinkedHashMap<>();
    for (Object command : commands) {
      CommandLine line = command instanceof CommandLine given ? given : new CommandLine(command);
      byName.put(line.getCommandName(), line);
    }
    Set<String> expected = new TreeSet<>();
    Subcommand.of(runtime).forEach(s -> expected.add(s.commandName()));
    if (!expected.equals(new TreeSet<>(byName.keySet()))) {
      throw new IllegalStateException(
          "the " + runtime + " JVM must provide " + expected + " but provides " + byName.keySet());
    }
    CommandLine root = new CommandLine(new Root()).setUsageHelpAutoWidth(true);
    for (Subcommand subcommand : Subcommand.values()) {
      CommandLine line = byName.getOrDefault(subcommand.commandName(), null);
      if (line == null) {
        line = new CommandLine(new Elsewhere(subcommand));
      }
      line.getCommandSpec().usageMessage().header(subcommand.summary());
      root.addSubcommand(subcommand.commandName(), line);
    }
    return withErrorHandler(root);
  }

  /**
   * Runs a command line and exits the JVM with its code (a server's command returns only when it
   * stops).
   */
  public static void main(Subcommand.Runtime runtime, String[] args, Object... commands) {
    System.exit(commandLine(runtime, commands).execute(args));
  }

  /**
   * A command line for one command object alone (spark-submit's entry, tests), reporting errors the
   * same way.
   */
  public static CommandLine single(Object command) {
    return withErrorHandler(new CommandLine(command));
  }

  private static CommandLine withErrorHandler(CommandLine line) {
    return line.setExecutionExceptionHandler(
        (exception, commandLine, parseResult) -> report(exception, commandLine.getErr()));
  }

  /** A subcommand of the other JVM: listed here, run there. */
  @Command(mixinStandardHelpOptions = true)
  static final class Elsewhere implements Callable<Integer> {
    private final Subcommand subcommand;

    @CommandLine.Unmatched List<String> arguments;

    Elsewhere(Subcommand subcommand) {
      this.subcommand = subcommand;
    }

    @Override
    public Integer call() {
      String jvm =
          subcommand.runtime() == Subcommand.Runtime.SPARK ? "Spark's JVM" : "the front door's JVM";
      throw new IllegalArgumentException(
          subcommand.commandName()
              + " runs in "
              + jvm
              + ": run it as bin/backprop "
              + subcommand.commandName());
    }
  }

  /** Prints a failure as its kind deserves and returns the exit code. */
  static int report(Exception exception, PrintWriter err) {
    Throwable user = userError(exception);
    if (user != null) {
      err.println("error: " + message(user));
      return USER_ERROR;
    }
    if (exception instanceof IOException || exception instanceof UncheckedIOException) {
      Throwable cause = exception.getCause();
      String detail =
          cause == null
                  || cause.getMessage() == null
                  || exception.getMessage().contains(cause.getMessage())
              ? ""
              : " (" + cause.getMessage() + ")";
      err.println("error: " + exception.getMessage() + detail);
      return IO_ERROR;
    }
    err.println("error: " + exception + " (a bug: please report it with the stack trace below)");
    exception.printStackTrace(err);
    return 1;
  }

  /** The user's mistake this failure is, or wraps: what they can act on. */
  private static Throwable userError(Throwable failure) {
    for (Throwable cause = failure;
        cause != null;
        cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof UserError || cause instanceof IllegalArgumentException) {
        return cause;
      }
    }
    return null;
  }

  private static String message(Throwable error) {
    return error instanceof InvalidJobException invalid
        ? invalid.message(JobField.Origin.CLI)
        : error.getMessage();
  }

  /** The names of the subcommands {@code bin/backprop} must start in the front door's JVM. */
  public static List<String> frontDoorCommands() {
    return Subcommand.of(Subcommand.Runtime.FRONT_DOOR).stream()
        .map(Subcommand::commandName)
        .toList();
  }
}
