package co.backprop.frontdoor.http;

import co.backprop.contract.task.Json;
import co.backprop.contract.usage.UsageRow;
import co.backprop.store.UsageLedger;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;

/** GET /usage: this month's compute seconds against the 1000 free ones, by task and model. */
public final class UsageController {
  public static final double FREE_SECONDS = 1000;

  private final UsageLedger ledger;

  public UsageController(UsageLedger ledger) {
    this.ledger = ledger;
  }

  public void get(Context ctx) {
    String period =
        ctx.queryParam("period") != null
            ? ctx.queryParam("period")
            : YearMonth.now(ZoneOffset.UTC).toString();
    if (!period.matches("\\d{4}-\\d{2}")) {
      throw ApiException.badRequest("period: must be yyyy-MM but got '" + period + "'");
    }
    List<UsageRow> rows = ledger.usage(ApiKeys.account(ctx), period);
    double used = rows.stream().mapToDouble(UsageRow::computeSeconds).sum();
    ObjectNode usage = Json.MAPPER.createObjectNode();
    usage.put("account", ApiKeys.account(ctx));
    usage.put("period", period);
    usage.put("compute_seconds", used);
    usage.put("requests", rows.stream().mapToLong(UsageRow::requests).sum());
    usage.put("free_seconds", FREE_SECONDS);
    usage.put("free_seconds_left", Math.max(0, FREE_SECONDS - used));
    ArrayNode byModel = usage.putArray("by_task_model");
    for (UsageRow row : rows) {
      byModel
          .addObject()
          .put("task", row.task())
          .put("model", row.model())
          .put("requests", row.requests())
          .put("compute_seconds", row.computeSeconds());
    }
    Bodies.send(ctx, 200, usage);
  }
}
