package co.backprop.jobs.formats;

import co.backprop.contract.task.ItemResponses;
import co.backprop.contract.task.Json;
import co.backprop.engines.pipeline.CompletedRow;
import co.backprop.engines.pipeline.ItemResult;
import co.backprop.engines.pipeline.PendingRow;
import co.backprop.jobs.formats.InputHash.Hashed;
import co.backprop.jobs.input.JobPlan;
import co.backprop.jobs.input.RequestLine;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A request file: each line one request of any task. Each item comes out as one line {@code {id,
 * index, line, account, task, status, error, <response field>, model, device, compute_ms,
 * truncated, input_hash}}; {@code index} is the item's place in a batch body (null for a single
 * body).
 */
public final class RequestLines implements LineFormat<RequestLine> {
  public static final List<String> KEY_COLUMNS = List.of("id", "index", "line", "account", "task");

  /**
   * The API response of one request line from its items' result lines: see {@link ItemResponses}.
   */
  public static String response(Iterable<String> itemLines) {
    return ItemResponses.assemble(itemLines);
  }

  @Override
  public PendingRow<Hashed<RequestLine>> read(long line, String text, JobPlan plan) {
    RequestLine request = RequestLine.read(line, text, plan.defaultAccount(), plan.fixedAccount());
    return InputHash.attach(new PendingRow<>(request, request.items(plan)), plan);
  }

  @Override
  public List<String> write(CompletedRow<Hashed<RequestLine>> row, JobPlan plan) {
    RequestLine request = row.carrier().carrier();
    List<String> lines = new ArrayList<>(row.results().size());
    for (int index = 0; index < row.results().size(); index++) {
      ItemResult result = row.results().get(index);
      ObjectNode output = Json.MAPPER.createObjectNode();
      output.put("id", request.id());
      if (request.batch() && row.results().size() == request.body().items().size()) {
        output.put("index", index);
      } else {
        output.putNull("index");
      }
      output.put("line", request.line());
      output.put("account", request.account());
      output.put("task", request.task() == null ? null : request.task().apiName());
      ResultColumns.put(output, request.task(), result, row.carrier().inputHash());
      lines.add(output.toString());
    }
    return lines;
  }
}
