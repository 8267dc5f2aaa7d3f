package co.backprop.frontdoor.http;

import co.backprop.contract.task.Json;
import co.backprop.contract.usage.UsageRow;
import co.backprop.frontdoor.tenancy.Quotas;
import co.backprop.store.UsageLedger;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.List;

/**
 * GET /usage: a month's compute seconds by task and model, against the account's monthly limit
 * (1000 seconds on the free tier): what is left and when it resets, and the seconds of each day
 * that had usage.
 */
public final class UsageController {
  private final UsageLedger ledger;
  private final Quotas quotas;

  public UsageController(UsageLedger ledger, Quotas quotas) {
    this.ledger = ledger;
    this.quotas = quotas;
  }

  public void get(Context ctx) {
    String account = ApiKeys.account(ctx);
    Quotas.Standing now = quotas.standing(account);
    String period = ctx.queryParam("period") != null ? ctx.queryParam("period") : now.period();
    if (!period.matches("\\d{4}-(0[1-9]|1[0-2])")) {
      throw ApiException.badRequest("period: must be yyyy-MM but got '" + period + "'");
    }
    List<UsageRow> rows = ledger.usage(account, period);
    double used = rows.stream().mapToDouble(UsageRow::computeSeconds).sum();
    ObjectNode usage = Json.MAPPER.createObjectNode();
    usage.put("account", account);
    usage.put("period", period);
    usage.put("compute_seconds", used);
    usage.put("requests", rows.stream().mapToLong(UsageRow::requests).sum());
    if (now.limit().unlimited()) {
      usage.putNull("limit_seconds");
      usage.putNull("seconds_left");
    } else {
      usage.put("limit_seconds", now.limit().seconds());
      usage.put("seconds_left", now.limit().left(used));
    }
    if (period.equals(now.period())) {
      usage.put("resets_at", now.resetsAt().toString());
    }
    ArrayNode byDay = usage.putArray("by_day");
    for (UsageLedger.DailyUsage day : ledger.daily(account, period)) {
      byDay
          .addObject()
          .put("day", day.day().toString())
          .put("compute_seconds", day.computeSeconds());
    }
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
