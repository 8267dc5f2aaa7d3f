package co.backprop.frontdoor.usage;

import co.backprop.contract.task.Json;
import co.backprop.contract.usage.UsageRow;
import co.backprop.outputs.JobOutput;
import co.backprop.store.UsageLedger;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Bills the usage of a job run outside the front door (spark-submit, bin/backprop job) to the same
 * ledger. The source is the run itself (its results path and start time), so importing an output
 * twice — or importing the output of a job a worker already billed — counts once.
 */
public final class UsageImport {
  public record Imported(String source, int rows, int alreadyCounted) {}

  private UsageImport() {}

  /**
   * Imports a job output's usage (local or s3a://): one summary, or every committed run of an
   * incremental output.
   */
  public static List<Imported> of(UsageLedger ledger, String output, Configuration hadoop)
      throws IOException {
    JobOutput job = JobOutput.at(output, hadoop);
    List<Path> summaries = job.summaries();
    if (summaries.isEmpty()) {
      throw new IllegalArgumentException(
          output
              + " holds no summary.json and no committed run (_log/v0001.json, ...): it is not the"
              + " output of a finished job");
    }
    List<Imported> imported = new ArrayList<>();
    for (Path summary : summaries) {
      imported.add(ofSummary(ledger, Json.MAPPER.readTree(job.readText(summary))));
    }
    return imported;
  }

  private static Imported ofSummary(UsageLedger ledger, JsonNode summary) {
    String source =
        UsageLedger.runSource(
            summary.get("results_path").asText(), summary.get("started").asText());
    List<UsageRow> rows = new ArrayList<>();
    for (JsonNode usage : summary.get("usage")) {
      rows.add(
          new UsageRow(
              usage.get("account").asText(),
              usage.get("period").asText(),
              usage.get("task").asText(),
              usage.get("model").asText(),
              usage.get("requests").asLong(),
              usage.get("compute_seconds").asDouble()));
    }
    int inserted = ledger.record(source, rows);
    return new Imported(source, rows.size(), rows.size() - inserted);
  }
}
