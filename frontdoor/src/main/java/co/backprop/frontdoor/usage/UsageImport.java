package co.backprop.frontdoor.usage;

import co.backprop.outputs.OutputLayout;
import co.backprop.store.JobStore;
import co.backprop.contract.usage.UsageRow;
import co.backprop.contract.task.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Bills the usage of a job run outside the front door (spark-submit, bin/backprop job) to the
 * same ledger. The source is the run itself (its results path and start time), so importing an
 * output twice — or importing the output of a job a worker already billed — counts once.
 */
public final class UsageImport {
  public record Imported(String source, int rows, int alreadyCounted) {}

  private UsageImport() {}

  /** Imports a job output's usage: one summary, or every committed run of an incremental output. */
  public static List<Imported> of(JobStore store, Path output) throws IOException {
    List<Path> summaries = OutputLayout.summaries(output);
    if (summaries.isEmpty()) {
      throw new IllegalArgumentException(
          output + " holds no summary.json and no committed run (v0001/, ...): it is not the output of a finished job");
    }
    List<Imported> imported = new ArrayList<>();
    for (Path summary : summaries) {
      imported.add(ofSummary(store, summary));
    }
    return imported;
  }

  private static Imported ofSummary(JobStore store, Path summaryFile) throws IOException {
    JsonNode summary = Json.MAPPER.readTree(summaryFile.toFile());
    String source = JobStore.runSource(summary.get("results_path").asText(), summary.get("started").asText());
    List<UsageRow> rows = new ArrayList<>();
    for (JsonNode usage : summary.get("usage")) {
      rows.add(new UsageRow(
          usage.get("account").asText(), usage.get("period").asText(), usage.get("task").asText(), usage.get("model").asText(),
          usage.get("requests").asLong(), usage.get("compute_seconds").asDouble()));
    }
    int inserted = store.recordUsage(source, rows);
    return new Imported(source, rows.size(), rows.size() - inserted);
  }
}
