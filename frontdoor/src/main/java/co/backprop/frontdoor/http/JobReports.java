package co.backprop.frontdoor.http;

import co.backprop.contract.job.Job;
import co.backprop.contract.job.JobStatus;
import co.backprop.contract.task.Json;
import co.backprop.outputs.JobOutput;
import co.backprop.outputs.OutputLayout;
import co.backprop.outputs.ReportWording;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import org.apache.hadoop.fs.Path;

/**
 * GET /jobs/{id}/report: what the console's job page shows of a finished job — its summary's
 * figures, the most frequent errors, the first error rows — with the report's own wording. The
 * error rows come from a bounded scan of the results: at most {@value #ERROR_ROWS} rows and {@value
 * #MAX_SCANNED_BYTES} bytes are read per request, however big the output.
 */
final class JobReports {
  static final int ERROR_ROWS = 10;
  static final long MAX_SCANNED_BYTES = 64L << 20;

  private static final String[] FIGURES = {
    "rows", "results", "ok", "error", "rows_per_second", "inference_seconds", "started", "mode"
  };

  private final Results results;

  JobReports(Results results) {
    this.results = results;
  }

  ObjectNode report(Job job) {
    ObjectNode report = Json.MAPPER.createObjectNode();
    report.put("job_id", job.id());
    report.put("status", job.status().apiName());
    report.set("wording", Json.MAPPER.valueToTree(ReportWording.all()));
    ArrayNode topErrors = report.putArray("top_errors");
    ArrayNode errorRows = report.putArray("first_error_rows");
    if (job.status() != JobStatus.SUCCEEDED || job.results() == null) {
      report.putNull("summary");
      report.putNull("results_url");
      return report;
    }
    JobOutput output = results.of(job);
    JsonNode summary = summary(output);
    ObjectNode figures = report.putObject("summary");
    for (String figure : FIGURES) {
      if (summary.has(figure)) {
        figures.set(figure, summary.get(figure));
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = summary.path("top_errors").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> error = it.next();
      topErrors.addObject().put("error", error.getKey()).put("rows", error.getValue().asLong());
    }
    if (summary.path("error").asLong() > 0) {
      firstErrors(output, errorRows, report);
    }
    report.put("results_url", "/jobs/" + job.id() + "/results");
    return report;
  }

  private static JsonNode summary(JobOutput output) {
    try {
      Path current = output.requireCurrent();
      return Json.MAPPER.readTree(output.readText(new Path(current, OutputLayout.SUMMARY)));
    } catch (IllegalArgumentException | JsonProcessingException | UncheckedIOException e) {
      return Json.MAPPER.createObjectNode(); // the page shows what the job record says
    }
  }

  private static void firstErrors(JobOutput output, ArrayNode rows, ObjectNode report) {
    String idField = output.idField();
    ErrorRows found = new ErrorRows(rows, idField);
    try {
      output.copyResultLines(found);
    } catch (Enough enough) {
      // the first rows are found, or the scan reached its bound
    } catch (IllegalStateException e) {
      report.put("error_rows_note", e.getMessage()); // results in another format than JSON lines
    } catch (UncheckedIOException e) {
      report.put("error_rows_note", "the results could not be read");
    }
  }

  /** Thrown to stop the scan early: the rows are found, or enough was read. */
  private static final class Enough extends RuntimeException {
    Enough() {
      super(null, null, false, false);
    }
  }

  /** Collects the first error rows from the result lines written to it. */
  private static final class ErrorRows extends OutputStream {
    private final ArrayNode rows;
    private final String idField;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private long scanned;

    ErrorRows(ArrayNode rows, String idField) {
      this.rows = rows;
      this.idField = idField;
    }

    @Override
    public void write(int b) {
      if (++scanned > MAX_SCANNED_BYTES) {
        throw new Enough();
      }
      if (b != '\n') {
        line.write(b);
        return;
      }
      String text = line.toString(StandardCharsets.UTF_8);
      line.reset();
      if (!text.contains("\"error\"")) {
        return; // most rows are ok: no parse
      }
      try {
        JsonNode row = Json.MAPPER.readTree(text);
        if ("error".equals(row.path("status").asText())) {
          rows.addObject()
              .put("row", row.path(idField).asText())
              .put("error", row.path("error").asText());
          if (rows.size() >= ERROR_ROWS) {
            throw new Enough();
          }
        }
      } catch (JsonProcessingException e) {
        // not a row: skip it
      }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      for (int i = offset; i < offset + length; i++) {
        write(bytes[i]);
      }
    }
  }
}
