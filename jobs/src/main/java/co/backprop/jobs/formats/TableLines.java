package co.backprop.jobs.formats;

import co.backprop.contract.task.Json;
import co.backprop.engines.pipeline.CompletedRow;
import co.backprop.engines.pipeline.PendingItem;
import co.backprop.engines.pipeline.PendingRow;
import co.backprop.jobs.formats.InputHash.Hashed;
import co.backprop.jobs.input.JobPlan;
import co.backprop.jobs.input.TableMapping;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * JSON lines as a table: each line is an object whose fields are columns; the output line is the
 * same object with the result columns appended. A line that is not an object comes out as {@code
 * {"_line": n, "_raw": "..."}} with the error, so it can be found and fixed.
 */
public final class TableLines implements LineFormat<TableLines.Line> {
  /** A read line: its number and object, or its raw text when it is not a JSON object. */
  public record Line(long number, ObjectNode object, String raw) {}

  @Override
  public PendingRow<Hashed<Line>> read(long number, String text, JobPlan plan) {
    return InputHash.attach(readLine(number, text, plan), plan);
  }

  private static PendingRow<Line> readLine(long number, String text, JobPlan plan) {
    TableMapping mapping = plan.table();
    JsonNode json;
    try {
      json = Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      return PendingRow.of(
          new Line(number, null, text),
          PendingItem.invalid(
              mapping.task(),
              mapping.model(),
              "line " + number + ": not valid JSON: " + e.getOriginalMessage()));
    }
    if (json == null || !json.isObject()) {
      return PendingRow.of(
          new Line(number, null, text),
          PendingItem.invalid(
              mapping.task(),
              mapping.model(),
              "line " + number + ": must be a JSON object but got " + Json.describe(json)));
    }
    ObjectNode object = (ObjectNode) json;
    for (String column : ResultColumns.names(mapping.task())) {
      if (object.has(column)) {
        return PendingRow.of(
            new Line(number, object, null),
            PendingItem.invalid(
                mapping.task(),
                mapping.model(),
                "input field '"
                    + column
                    + "' clashes with a result column ("
                    + String.join(", ", ResultColumns.names(mapping.task()))
                    + "); rename it"));
      }
    }
    return PendingRow.of(new Line(number, object, null), mapping.item(object::get));
  }

  @Override
  public List<String> write(CompletedRow<Hashed<Line>> row, JobPlan plan) {
    Line line = row.carrier().carrier();
    ObjectNode output = line.object();
    if (output == null) {
      output = Json.MAPPER.createObjectNode();
      output.put("_line", line.number());
      output.put("_raw", line.raw());
    }
    ResultColumns.put(output, plan.table().task(), row.results().get(0), row.carrier().inputHash());
    return List.of(output.toString());
  }
}
