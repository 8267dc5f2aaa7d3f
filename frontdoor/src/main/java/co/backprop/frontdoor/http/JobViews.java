package co.backprop.frontdoor.http;

import co.backprop.contract.job.Job;
import co.backprop.contract.job.JobSpec;
import co.backprop.contract.job.JobStatus;
import co.backprop.contract.task.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/** A job as GET /jobs/{id} shows it. */
final class JobViews {
  private JobViews() {}

  static ObjectNode view(Job job) {
    ObjectNode view = Json.MAPPER.createObjectNode();
    view.put("job_id", job.id());
    view.put("kind", job.spec().kind().apiName());
    view.put("status", job.status().apiName());
    if (job.spec() instanceof JobSpec.TaskCall call) {
      view.put("task", call.task().apiName());
      putIfSet(view, "model", call.model());
    } else if (job.spec() instanceof JobSpec.Batch batch && batch.tableMode()) {
      view.put("task", batch.table().task().apiName());
      putIfSet(view, "model", batch.table().model());
    } else if (job.spec() instanceof JobSpec.ModelBuild build) {
      view.put("model", build.model());
    }
    view.put("created_at", time(job.createdAt()));
    view.put("started_at", time(job.startedAt()));
    view.put("finished_at", time(job.finishedAt()));
    view.put("attempts", job.attempts());
    ObjectNode counts = view.putObject("counts");
    counts.put("total", job.total());
    counts.put("ok", job.ok());
    counts.put("error", job.error());
    ObjectNode progress = view.putObject("progress");
    boolean succeeded = job.status() == JobStatus.SUCCEEDED;
    long done = succeeded ? job.total() : job.done();
    progress.put("done", done);
    progress.put("total", job.total());
    progress.put(
        "fraction", job.total() == 0 ? (succeeded ? 1.0 : 0.0) : (double) done / job.total());
    view.put("compute_seconds", job.computeSeconds());
    view.put("cancel_requested", job.cancelRequested());
    view.put("message", job.message());
    view.put("results", "/jobs/" + job.id() + "/results");
    return view;
  }

  private static void putIfSet(ObjectNode view, String field, String value) {
    if (value != null) {
      view.put(field, value);
    }
  }

  private static String time(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
