package co.backprop.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.backprop.contract.job.InvalidJobException;
import co.backprop.contract.job.JobField;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class CliTest {
  private static final Path REPO =
      Path.of(System.getProperty("backprop.repo", "..")).toAbsolutePath().normalize();

  /** A stand-in for a real subcommand: answers 0. */
  @Command
  static final class StandIn implements Callable<Integer> {
    @Override
    public Integer call() {
      return 0;
    }
  }

  private static Object[] standIns(Subcommand.Runtime runtime) {
    return Subcommand.of(runtime).stream()
        .map(
            s -> {
              CommandLine line = new CommandLine(new StandIn());
              line.getCommandSpec().name(s.commandName());
              return line;
            })
        .toArray();
  }

  private record Run(int exit, String out, String err) {}

  private static Run run(CommandLine line, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    line.setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
    return new Run(line.execute(args), out.toString(), err.toString());
  }

  private static String report(Exception failure, int expectedExit) {
    StringWriter err = new StringWriter();
    assertThat(Cli.report(failure, new PrintWriter(err, true))).isEqualTo(expectedExit);
    return err.toString();
  }

  @Test
  void helpListsEveryCommandOfBothJvms() {
    Run help =
        run(
            Cli.commandLine(Subcommand.Runtime.FRONT_DOOR, standIns(Subcommand.Runtime.FRONT_DOOR)),
            "--help");
    assertThat(help.exit()).isZero();
    String listed = help.out().replaceAll("\\s+", " ");
    for (Subcommand subcommand : Subcommand.values()) {
      assertThat(listed).contains(" " + subcommand.commandName() + " " + subcommand.summary());
    }
  }

  @Test
  void aCommandOfTheOtherJvmSaysHowToRunIt() {
    Run run =
        run(
            Cli.commandLine(Subcommand.Runtime.FRONT_DOOR, standIns(Subcommand.Runtime.FRONT_DOOR)),
            "job",
            "--input",
            "x");
    assertThat(run.exit()).isEqualTo(Cli.USER_ERROR);
    assertThat(run.err().strip())
        .isEqualTo("error: job runs in Spark's JVM: run it as bin/backprop job");
    assertThat(
            run(
                    Cli.commandLine(Subcommand.Runtime.SPARK, standIns(Subcommand.Runtime.SPARK)),
                    "serve")
                .err()
                .strip())
        .isEqualTo("error: serve runs in the front door's JVM: run it as bin/backprop serve");
  }

  @Test
  void failuresAreReportedByKind() {
    InvalidJobException invalid =
        new InvalidJobException(
            JobField.ID_COL, "the input has no column 'sku'; map it with {map}");
    assertThat(report(invalid, Cli.USER_ERROR).strip())
        .isEqualTo("error: --id-col: the input has no column 'sku'; map it with --map");
    assertThat(
            report(
                    new RuntimeException(
                        "wrapped", new IllegalArgumentException("input x does not exist")),
                    Cli.USER_ERROR)
                .strip())
        .isEqualTo("error: input x does not exist");
    assertThat(report(new IOException("cannot write out/results"), Cli.IO_ERROR))
        .doesNotContain("\tat ");
    assertThat(report(new NullPointerException("boom"), 1)).contains("a bug").contains("\tat ");
  }

  @Test
  void aJvmMustProvideExactlyItsCommands() {
    assertThatThrownBy(() -> Cli.commandLine(Subcommand.Runtime.FRONT_DOOR))
        .hasMessageContaining("must provide [accounts, bench-frontdoor, serve, usage]");
  }

  /**
   * bin/backprop starts the front door's JVM for exactly the front door's commands (and for help).
   */
  @Test
  void theLauncherRoutesExactlyTheFrontDoorsCommandsToItsJvm() throws IOException {
    String launcher = Files.readString(REPO.resolve("bin/backprop"));
    Matcher routed = Pattern.compile("FRONT_DOOR_COMMANDS=\\(([^)]*)\\)").matcher(launcher);
    assertThat(routed.find()).as("bin/backprop lists FRONT_DOOR_COMMANDS=(...)").isTrue();
    assertThat(List.of(routed.group(1).trim().split("\\s+")))
        .containsExactlyInAnyOrderElementsOf(Cli.frontDoorCommands());
  }
}
