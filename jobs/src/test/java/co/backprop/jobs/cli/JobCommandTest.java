package co.backprop.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import co.backprop.contract.job.DataFormat;
import co.backprop.contract.task.Json;
import co.backprop.contract.task.Task;
import co.backprop.jobs.JobOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line as a user types it, parsed without running anything. */
class JobCommandTest {
  private static JobOptions parse(String... args) {
    JobCommand command = new JobCommand();
    new CommandLine(command).parseArgs(args);
    return command.options();
  }

  private static String failure(String... args) {
    StringWriter err = new StringWriter();
    CommandLine commandLine = co.backprop.cli.Cli.single(new JobCommand());
    commandLine.setErr(new PrintWriter(err));
    int exit = commandLine.execute(args);
    assertThat(exit).isEqualTo(2);
    return err.toString();
  }

  @Test
  void tableEnrichmentOptions() {
    JobOptions options =
        parse(
            "--task",
            "text-classification",
            "--input",
            "in.parquet",
            "--output",
            "out",
            "--map",
            "text=title",
            "--set",
            "labels=[\"a\",\"b\"]",
            "--id-col",
            "sku",
            "--account",
            "acme",
            "--output-format",
            "jsonl",
            "--batch-tokens",
            "2048",
            "--no-progress");
    assertThat(options.task()).isEqualTo(Task.TEXT_CLASSIFICATION);
    assertThat(options.spec().table().fieldColumns()).isEqualTo(Map.of("text", "title"));
    assertThat(options.spec().table().constantFields())
        .isEqualTo(Map.of("labels", Json.MAPPER.createArrayNode().add("a").add("b")));
    assertThat(options.idColumn()).isEqualTo("sku");
    assertThat(options.account()).isEqualTo("acme");
    assertThat(options.outputFormat()).isEqualTo(DataFormat.JSONL);
    assertThat(options.batchPolicy().tokenBudget()).isEqualTo(2048);
    assertThat(options.progress()).isFalse();
  }

  @Test
  void aRequestFileNeedsOnlyPathsAndShowsProgress() {
    JobOptions options = parse("--input", "requests.jsonl", "--output", "out");
    assertThat(options.tableMode()).isFalse();
    assertThat(options.account()).isEqualTo("default");
    assertThat(options.progress()).isTrue();
    assertThat(options.intraOpThreads()).isEqualTo(1);
  }

  @Test
  void mistakesAreOneClearLine() {
    assertThat(failure("--task", "translate", "--input", "a", "--output", "b"))
        .contains("unknown task 'translate'; known tasks: text-vectorisation, qa");
    assertThat(failure("--input", "a", "--output", "b", "--map", "text=title"))
        .contains(
            "error: --task: is needed: --model, --map, --set and --id-col describe table rows; a"
                + " request file names the task");
    assertThat(failure("--input", "a", "--output", "b", "--format", "xml"))
        .contains("unknown format 'xml'; known formats: jsonl, parquet, csv, orc");
    assertThat(
            failure(
                "--task",
                "text-vectorisation",
                "--map",
                "txt=title",
                "--input",
                "a",
                "--output",
                "b"))
        .contains("error: --map: text-vectorisation has no field 'txt'; its fields are text");
  }
}
