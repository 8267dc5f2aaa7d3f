package co.backprop.frontdoor.http;

import co.backprop.store.JobRecord;
import co.backprop.contract.task.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/** A job as GET /jobs/{id} shows it. */
final class JobViews {
  private JobViews() {}

  static ObjectNode view(JobRecord job) {
    ObjectNode view = Json.MAPPER.createObjectNode();
    view.put("job_id", job.id());
    view.put("kind", job.kind());
    view.put("status", job.status());
    try {
      JsonNode options = Json.MAPPER.readTree(job.options());
      for (String field : new String[] {"task", "model"}) {
        if (options.hasNonNull(field)) {
          view.set(field, options.get(field));
        }
      }
    } catch (IOException e) {
      // settings are written by the front door: always JSON
    }
    view.put("created_at", job.createdAt());
    view.put("started_at", job.startedAt());
    view.put("finished_at", job.finishedAt());
    view.put("attempts", job.attempts());
    ObjectNode counts = view.putObject("counts");
    counts.put("total", job.total());
    counts.put("ok", job.ok());
    counts.put("error", job.error());
    ObjectNode progress = view.putObject("progress");
    long done = job.status().equals(JobRecord.SUCCEEDED) ? job.total() : job.done();
    progress.put("done", done);
    progress.put("total", job.total());
    progress.put("fraction", job.total() == 0 ? (job.status().equals(JobRecord.SUCCEEDED) ? 1.0 : 0.0) : (double) done / job.total());
    view.put("compute_seconds", job.computeSeconds());
    view.put("cancel_requested", job.cancelRequested());
    view.put("message", job.message());
    view.put("results", "/jobs/" + job.id() + "/results");
    return view;
  }
}
