package co.backprop.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;

import co.backprop.cli.Subcommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one `backprop` command across its two JVMs, as a user runs it: bin/backprop with both
 * packaged jars (the front door's is built last, so this runs in this module's failsafe phase).
 */
class LauncherIT {
  @TempDir Path work;

  record Run(int exitCode, String out, String err) {}

  private Run backprop(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(TestFrontDoors.REPO.resolve("bin/backprop").toString());
    command.addAll(List.of(args));
    Path out = work.resolve("stdout.txt");
    Path err = work.resolve("stderr.txt");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().put("BACKPROP_NO_BUILD", "1");
    Process process = builder.start();
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("bin/backprop finished").isTrue();
    return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  @Test
  void oneCommandListsEverySubcommandAndAMistakeIsOneLineInEitherJvm() throws Exception {
    Run help = backprop("--help");
    assertThat(help.exitCode()).as(help.err()).isZero();
    for (Subcommand subcommand : Subcommand.values()) {
      assertThat(help.out()).contains("  " + subcommand.commandName() + " ");
    }
    // A mistake in Spark's JVM: the field named as the flag, one line, exit 2, no stack trace.
    Run sparkSide =
        backprop(
            "job",
            "--input",
            "a.jsonl",
            "--output",
            work.resolve("o").toString(),
            "--map",
            "text=title");
    assertThat(sparkSide.exitCode()).isEqualTo(2);
    assertThat(sparkSide.err().strip().lines().filter(line -> line.startsWith("error: ")).toList())
        .containsExactly(
            "error: --task: is needed: --model, --map, --set and --id-col describe table rows; "
                + "a request file names the task and model on each line");
    assertThat(sparkSide.err()).doesNotContain("\tat ");
    // And in the front door's.
    Run frontDoorSide =
        backprop("accounts", "create", "Not A Name", "--data", work.resolve("data").toString());
    assertThat(frontDoorSide.exitCode()).isEqualTo(2);
    assertThat(frontDoorSide.err().strip())
        .startsWith("error: account names are 2-63 characters")
        .doesNotContain("\tat ");
  }

  @Test
  void aQueryWrittenBySqlIsBilledByUsageImportOnce() throws Exception {
    Path output = work.resolve("query");
    Run query =
        backprop(
            "sql",
            "--table",
            "p=" + TestFrontDoors.REPO.resolve("datasets/products.parquet"),
            "--account",
            "acme",
            "--output",
            output.toString(),
            "SELECT sku, backprop_vectorise(title) AS v FROM p WHERE sku <= 'SKU-00020'");
    assertThat(query.exitCode()).as(query.err()).isZero();
    assertThat(query.out())
        .contains("sql done: 20 rows")
        .contains("usage: acme ")
        .contains(" text-vectorisation/english: 20 requests");

    String data = work.resolve("data").toString();
    Run first = backprop("usage", "import", "--data", data, output.toString());
    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(first.out()).contains("imported 1 usage rows from ").contains("(0 already counted)");
    Run again = backprop("usage", "import", "--data", data, output.toString());
    assertThat(again.out()).contains("imported 0 usage rows from ").contains("(1 already counted)");

    // A mistake in the query is one line naming the function, exit 2.
    Run mistake = backprop("sql", "SELECT backprop_vectorise()");
    assertThat(mistake.exitCode()).isEqualTo(2);
    assertThat(mistake.err()).contains("backprop_vectorise takes (text [, model]) but got 0");
    assertThat(mistake.err()).doesNotContain("\tat ");
  }
}
