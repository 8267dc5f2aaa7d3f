package co.backprop.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import co.backprop.contract.task.Task;
import co.backprop.jobs.JobOptions;
import co.backprop.jobs.input.InputFormat;
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
    CommandLine commandLine = BackpropCommand.commandLine(new JobCommand());
    commandLine.setErr(new PrintWriter(err));
    int exit = commandLine.execute(args);
    assertThat(exit).isEqualTo(2);
    return err.toString();
  }

  @Test
  void tableEnrichmentOptions() {
    JobOptions options =
        parse("--task", "text-vectorisation", "--input", "in.parquet", "--output", "out", "--map", "text=title",
            "--set", "labels=[\"a\",\"b\"]", "--id-col", "sku", "--account", "acme", "--output-format", "jsonl",
            "--batch-tokens", "2048", "--no-progress");
    assertThat(options.task()).isEqualTo(Task.TEXT_VECTORISATION);
    assertThat(options.fieldColumns()).isEqualTo(Map.of("text", "title"));
    assertThat(options.constantFields()).isEqualTo(Map.of("labels", "[\"a\",\"b\"]"));
    assertThat(options.idColumn()).isEqualTo("sku");
    assertThat(options.account()).isEqualTo("acme");
    assertThat(options.outputFormat()).isEqualTo(InputFormat.JSONL);
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
        .contains("error: --model, --map, --set and --id-col describe table rows and need --task");
    assertThat(failure("--input", "a", "--output", "b", "--format", "xml"))
        .contains("unknown format 'xml'; known formats: jsonl, parquet, csv, orc");
    assertThat(failure("--task", "text-vectorisation", "--map", "txt=title", "--input", "a", "--output", "b"))
        .contains("error: --map txt: text-vectorisation has no field 'txt'; its fields are text");
  }
}
