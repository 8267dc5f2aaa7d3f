package co.backprop.jobs;

import co.backprop.jobs.usage.UsageTally.Usage;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a run did, from its committed results: counts, throughput, devices, model loads and usage.
 * Printed at the end of a run and written beside the results as {@code summary.json}.
 *
 * @param rows input rows (lines of a request file, rows of a table)
 * @param results result rows written: one per item (a batch body has several)
 * @param inferenceSeconds wall time of the pass that ran the models and wrote the results
 * @param run the run's folder in an incremental output ({@code v0003}), or null
 * @param duplicatesDropped rows dropped because their id repeated an earlier row's (--dedupe)
 * @param skippedDone rows not run because their id had ok results for the same input hash already
 *     (--incremental)
 * @param added rows run because their id was not in the output (all rows of a one-off run)
 * @param changed rows run because their input hash changed (--incremental)
 * @param retried rows run because their id had error results (--incremental)
 * @param idField the result field or column holding each row's id
 * @param runSeconds wall time of the whole run after Spark started: reading, deciding what to run,
 *     inference, tally and commit
 */
public record JobSummary(
    String input,
    String output,
    @JsonProperty("results_path") String resultsPath,
    @JsonProperty("usage_path") String usagePath,
    String mode,
    @JsonProperty("input_format") String inputFormat,
    @JsonProperty("output_format") String outputFormat,
    String started,
    long rows,
    long results,
    long ok,
    long error,
    @JsonProperty("top_errors") Map<String, Long> topErrors,
    List<String> devices,
    @JsonProperty("model_loads") List<String> modelLoads,
    @JsonProperty("inference_seconds") double inferenceSeconds,
    @JsonProperty("rows_per_second") double rowsPerSecond,
    List<Usage> usage,
    String run,
    @JsonProperty("duplicates_dropped") long duplicatesDropped,
    @JsonProperty("skipped_done") long skippedDone,
    @JsonProperty("new") long added,
    long changed,
    long retried,
    @JsonProperty("id_field") String idField,
    @JsonProperty("run_seconds") double runSeconds) {

  public void print(PrintStream out) {
    out.printf(
        Locale.ROOT,
        "%n%s job done: %,d input rows -> %,d results (%,d ok, %,d error)%n",
        mode,
        rows,
        results,
        ok,
        error);
    if (run != null) {
      out.printf(
          Locale.ROOT,
          "  incremental: run %s; %,d rows skipped (done, unchanged), %,d new, %,d changed, %,d"
              + " retried%n",
          run,
          skippedDone,
          added,
          changed,
          retried);
    }
    if (duplicatesDropped > 0) {
      out.printf(
          Locale.ROOT,
          "  --dedupe:    %,d rows dropped (their id repeats an earlier row's)%n",
          duplicatesDropped);
    }
    out.printf(
        Locale.ROOT,
        "  throughput:  %,.1f rows/s (%.1f s running models and writing results) on %s%n",
        rowsPerSecond,
        inferenceSeconds,
        devices.isEmpty() ? "no device" : String.join(", ", devices));
    out.printf(
        Locale.ROOT, "  model loads: %d (%s)%n", modelLoads.size(), String.join("; ", modelLoads));
    if (!topErrors.isEmpty()) {
      out.println("  most frequent errors:");
      topErrors.forEach(
          (message, count) -> out.printf(Locale.ROOT, "    %,8d  %s%n", count, message));
    }
    out.printf(Locale.ROOT, "  results:     %s%n", resultsPath);
    out.printf(Locale.ROOT, "  usage:       %s%n", usagePath);
    for (Usage line : usage) {
      out.printf(
          Locale.ROOT,
          "    %s %s %s/%s: %,d requests, %.3f compute seconds%n",
          line.account(),
          line.period(),
          line.task(),
          line.model(),
          line.requests(),
          line.computeSeconds());
    }
  }
}
