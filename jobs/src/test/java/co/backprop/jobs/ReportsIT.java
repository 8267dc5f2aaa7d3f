package co.backprop.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import co.backprop.contract.task.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What people look at after a job: the HTML report, rendered by headless Chromium, and the two
 * notebooks, executed by jupyter nbconvert, on the output of the bundled request sample (two
 * accounts, two error rows). Needs Debian's chromium, jupyter-nbconvert, python3-pandas,
 * python3-matplotlib and python3-ipykernel: .ci/run installs them.
 */
class ReportsIT {
  private static final Path REPO =
      Path.of(System.getProperty("backprop.repo", "..")).toAbsolutePath().normalize();

  @TempDir static Path work;
  private static Path output;
  private static JsonNode summary;

  /** What a command printed: standard output (a browser's DOM) and error apart. */
  record Run(int exitCode, String out, String err) {}

  private static Run run(Map<String, String> environment, String... command)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile(work, "run", ".out");
    Path errors = Files.createTempFile(work, "run", ".err");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(log.toFile()).redirectError(errors.toFile());
    builder.environment().putAll(environment);
    builder.environment().put("BACKPROP_NO_BUILD", "1");
    Process process = builder.start();
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).as(String.join(" ", command)).isTrue();
    return new Run(process.exitValue(), Files.readString(log), Files.readString(errors));
  }

  @BeforeAll
  static void runTheRequestSample() throws Exception {
    output = work.resolve("requests");
    Run job =
        run(
            Map.of(),
            REPO.resolve("bin/backprop").toString(),
            "job",
            "--input",
            REPO.resolve("datasets/requests.jsonl").toString(),
            "--output",
            output.toString(),
            "--no-progress");
    assertThat(job.exitCode()).as(job.out() + job.err()).isZero();
    summary = Json.MAPPER.readTree(output.resolve("summary.json").toFile());
  }

  private static String text(String dom, String id) {
    Matcher matcher = Pattern.compile("id=\"" + id + "\"[^>]*>([^<]*)<").matcher(dom);
    assertThat(matcher.find()).as("element #" + id).isTrue();
    return matcher.group(1);
  }

  @Test
  void theReportShowsTheJobsOwnFiguresWhenABrowserRendersIt() throws Exception {
    Run report =
        run(
            Map.of(),
            REPO.resolve("bin/backprop").toString(),
            "report",
            "--output",
            output.toString());
    assertThat(report.exitCode()).as(report.out() + report.err()).isZero();
    Path page = output.resolve("report.html");
    assertThat(report.out()).contains("report: file:" + page);

    Run chromium =
        run(
            Map.of(),
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--user-data-dir=" + work.resolve("chromium-profile"),
            "--dump-dom",
            page.toUri().toString());
    assertThat(chromium.exitCode()).as(chromium.err()).isZero();
    String dom = chromium.out();

    assertThat(text(dom, "rows")).isEqualTo("36");
    assertThat(text(dom, "results")).isEqualTo("54");
    assertThat(text(dom, "ok")).isEqualTo(summary.get("ok").asText()).isEqualTo("52");
    assertThat(text(dom, "error")).isEqualTo("2");
    assertThat(text(dom, "throughput"))
        .isEqualTo(String.format(Locale.ROOT, "%.1f", summary.get("rows_per_second").asDouble()));
    assertThat(text(dom, "devices")).isEqualTo("cpu");
    assertThat(dom)
        .contains("model: unknown model 'multilingual-v9' for text-vectorisation")
        .contains("text: must not be empty");
    assertThat(dom.indexOf("<td>req-011</td>"))
        .isPositive()
        .isLessThan(dom.indexOf("<td>req-021</td>"));

    // The bars the page's script drew: one per account, as long as its share of the largest.
    Matcher bar =
        Pattern.compile("<rect [^>]*data-account=\"(\\w+)\" data-seconds=\"([0-9.eE-]+)\"[^>]*>")
            .matcher(dom);
    Map<String, Double> seconds = new java.util.HashMap<>();
    Map<String, Integer> widths = new java.util.HashMap<>();
    while (bar.find()) {
      seconds.put(bar.group(1), Double.parseDouble(bar.group(2)));
      Matcher width = Pattern.compile("width=\"(\\d+)\"").matcher(bar.group());
      assertThat(width.find()).isTrue();
      widths.put(bar.group(1), Integer.parseInt(width.group(1)));
    }
    Map<String, Double> expected = new java.util.HashMap<>();
    summary
        .get("usage")
        .forEach(
            u ->
                expected.merge(
                    u.get("account").asText(), u.get("compute_seconds").asDouble(), Double::sum));
    assertThat(seconds.keySet()).containsExactlyInAnyOrder("acme", "globex");
    expected.forEach(
        (account, value) ->
            assertThat(seconds.get(account))
                .isCloseTo(value, org.assertj.core.api.Assertions.within(1e-9)));
    double max = Math.max(expected.get("acme"), expected.get("globex"));
    expected.forEach(
        (account, value) ->
            assertThat(widths.get(account)).isEqualTo((int) Math.round(500 * value / max)));
  }

  @Test
  void theNotebooksRunEndToEndOnTheJobsOutput() throws Exception {
    Path executed = work.resolve("executed");
    Run results =
        run(
            Map.of("BACKPROP_OUTPUT", output.toString()),
            "jupyter",
            "nbconvert",
            "--to",
            "notebook",
            "--execute",
            "--ExecutePreprocessor.timeout=300",
            "--output-dir",
            executed.toString(),
            REPO.resolve("notebooks/job-results.ipynb").toString());
    assertThat(results.exitCode()).as(results.out() + results.err()).isZero();
    Run usage =
        run(
            Map.of("BACKPROP_USAGE", output.resolve("usage").toString() + "/part-*.json"),
            "jupyter",
            "nbconvert",
            "--to",
            "notebook",
            "--execute",
            "--ExecutePreprocessor.timeout=300",
            "--output-dir",
            executed.toString(),
            REPO.resolve("notebooks/usage.ipynb").toString());
    assertThat(usage.exitCode()).as(usage.out() + usage.err()).isZero();

    JsonNode resultsNotebook = Json.MAPPER.readTree(executed.resolve("job-results.ipynb").toFile());
    assertThat(outputs(resultsNotebook, "text"))
        .contains("36 input rows -> 54 results: 52 ok, 2 error");
    assertThat(images(resultsNotebook))
        .isGreaterThanOrEqualTo(3); // status bars, heat map, projection (+ compute histogram)
    JsonNode usageNotebook = Json.MAPPER.readTree(executed.resolve("usage.ipynb").toFile());
    assertThat(outputs(usageNotebook, "text"))
        .contains("acme")
        .contains("globex")
        .contains("free_seconds_left");
    assertThat(images(usageNotebook)).isEqualTo(1);
  }

  private static String outputs(JsonNode notebook, String field) {
    StringBuilder text = new StringBuilder();
    notebook
        .get("cells")
        .forEach(
            cell ->
                cell.path("outputs")
                    .forEach(
                        output -> output.path(field).forEach(line -> text.append(line.asText()))));
    return text.toString();
  }

  private static int images(JsonNode notebook) {
    List<JsonNode> images = new ArrayList<>();
    notebook
        .get("cells")
        .forEach(
            cell ->
                cell.path("outputs")
                    .forEach(
                        output -> {
                          if (output.path("data").has("image/png")) {
                            images.add(output);
                          }
                        }));
    return images.size();
  }
}
