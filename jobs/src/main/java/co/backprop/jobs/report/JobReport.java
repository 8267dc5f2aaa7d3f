package co.backprop.jobs.report;

import static org.apache.spark.sql.functions.col;

import co.backprop.contract.task.Json;
import co.backprop.outputs.JobOutput;
import co.backprop.outputs.OutputLayout;
import co.backprop.outputs.ReportWording;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A self-contained HTML page about one job (no network, no external script): counts, throughput,
 * devices, model loads, usage per account with a bar chart, the most frequent errors and the first
 * error rows. Read from the job's summary.json and results.
 */
public final class JobReport {
  private static final int ERROR_ROWS = 20;

  private JobReport() {}

  /**
   * Writes {@code report.html} beside the job's summary (for an incremental output, in its current
   * run's folder) and returns its path.
   */
  public static String write(SparkSession spark, String output) {
    try {
      JobOutput job = JobOutput.at(output, spark.sparkContext().hadoopConfiguration());
      FileSystem fs = job.fileSystem();
      Path root = job.requireCurrent();
      Path summaryPath = new Path(root, OutputLayout.SUMMARY);
      JsonNode summary;
      try (InputStream in = fs.open(summaryPath)) {
        summary = Json.MAPPER.readTree(in);
      }
      ArrayNode errorRows = firstErrors(spark, summary);
      Path report = new Path(root, "report.html");
      try (OutputStream out = fs.create(report, true)) {
        out.write(html(summary, errorRows).getBytes(StandardCharsets.UTF_8));
      }
      return fs.makeQualified(report).toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report of " + output, e);
    }
  }

  private static String count(JsonNode summary, String field) {
    return String.valueOf(summary.path(field).asLong());
  }

  private static ArrayNode firstErrors(SparkSession spark, JsonNode summary) {
    ArrayNode rows = Json.MAPPER.createArrayNode();
    if (summary.path("error").asLong() == 0) {
      return rows;
    }
    String results = summary.get("results_path").asText();
    Dataset<Row> errors =
        summary.get("output_format").asText().equals("jsonl")
            ? spark.read().json(results)
            : spark.read().format(summary.get("output_format").asText()).load(results);
    List<String> columns = List.of(errors.columns());
    String where = columns.contains("id") ? "id" : columns.contains("_line") ? "_line" : null;
    Dataset<Row> failed = errors.filter(col("status").equalTo("error"));
    if (columns.contains("line")) {
      failed = failed.orderBy("line"); // request files: in input order
    }
    for (Row row : failed.limit(ERROR_ROWS).collectAsList()) {
      ObjectNode error = rows.addObject();
      error.put(
          "row",
          where == null || row.isNullAt(row.fieldIndex(where))
              ? ""
              : String.valueOf(row.get(row.fieldIndex(where))));
      error.put("error", row.getString(row.fieldIndex("error")));
    }
    return rows;
  }

  static String html(JsonNode summary, ArrayNode errorRows) {
    StringBuilder page = new StringBuilder();
    page.append(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Job report: ")
        .append(escape(summary.path("input").asText()))
        .append("</title><style>")
        .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}h1{font-size:1.4em}")
        .append(
            ".figures{display:flex;gap:1em;flex-wrap:wrap}.figure{border:1px solid"
                + " #ddd;border-radius:6px;padding:.6em 1em;min-width:8em}")
        .append(
            ".figure b{display:block;font-size:1.6em}table{border-collapse:collapse;margin:.5em"
                + " 0}td,th{border:1px solid #ddd;padding:.3em .6em;text-align:left}")
        .append(".error{color:#a00}svg text{font-size:12px}</style></head><body>");
    page.append("<h1>")
        .append(escape(summary.path("mode").asText()))
        .append(" job: ")
        .append(escape(summary.path("input").asText()))
        .append("</h1>");
    page.append("<p>started ")
        .append(escape(summary.path("started").asText()))
        .append(", results in <code>")
        .append(escape(summary.path("results_path").asText()))
        .append("</code></p>");
    page.append("<div class=\"figures\">");
    figure(page, "rows", "input rows", String.valueOf(summary.path("rows").asLong()));
    figure(page, "results", "results", String.valueOf(summary.path("results").asLong()));
    figure(page, "ok", "ok", String.valueOf(summary.path("ok").asLong()));
    figure(page, "error", "error", String.valueOf(summary.path("error").asLong()));
    figure(
        page,
        "throughput",
        "rows/s",
        String.format(Locale.ROOT, "%.1f", summary.path("rows_per_second").asDouble()));
    figure(
        page,
        "seconds",
        "seconds running models",
        String.format(Locale.ROOT, "%.1f", summary.path("inference_seconds").asDouble()));
    figure(page, "devices", "devices", join(summary.path("devices")));
    page.append("</div>");
    if (summary.hasNonNull("run") && !summary.path("run").asText().isEmpty()) {
      // An incremental run: why its rows ran, and what it skipped.
      page.append("<h2>Incremental run ")
          .append(escape(summary.path("run").asText()))
          .append("</h2><div class=\"figures\">");
      figure(page, "skipped", "skipped (done, unchanged)", count(summary, "skipped_done"));
      figure(page, "new", "new", count(summary, "new"));
      figure(page, "changed", "changed (input hash)", count(summary, "changed"));
      figure(page, "retried", "retried (had errors)", count(summary, "retried"));
      page.append("</div>");
    }
    page.append("<h2>").append(ReportWording.MODEL_LOADS).append("</h2>");
    if (summary.path("model_loads").isEmpty()) {
      empty(page, "model-loads", ReportWording.NO_MODEL_LOADS);
    } else {
      page.append("<ul id=\"model-loads\">");
      summary
          .path("model_loads")
          .forEach(load -> page.append("<li>").append(escape(load.asText())).append("</li>"));
      page.append("</ul>");
    }

    page.append("<h2>").append(ReportWording.USAGE).append("</h2>");
    if (summary.path("usage").isEmpty()) {
      empty(page, "usage", ReportWording.NO_USAGE);
    } else {
      usageTable(page, summary);
    }
    errors(page, summary, errorRows);
    page.append("</body></html>\n");
    return page.toString();
  }

  /** An empty section: one sentence where its table would be. */
  private static void empty(StringBuilder page, String id, String sentence) {
    page.append("<p class=\"empty\" id=\"")
        .append(id)
        .append("\">")
        .append(sentence)
        .append("</p>");
  }

  private static void usageTable(StringBuilder page, JsonNode summary) {
    page.append(
        "<table"
            + " id=\"usage\"><tr><th>account</th><th>period</th><th>task</th><th>model</th><th>requests</th><th>compute"
            + " seconds</th></tr>");
    for (JsonNode usage : summary.path("usage")) {
      page.append("<tr><td>")
          .append(escape(usage.path("account").asText()))
          .append("</td><td>")
          .append(escape(usage.path("period").asText()))
          .append("</td><td>")
          .append(escape(usage.path("task").asText()))
          .append("</td><td>")
          .append(escape(usage.path("model").asText()))
          .append("</td><td>")
          .append(usage.path("requests").asLong())
          .append("</td><td>")
          .append(String.format(Locale.ROOT, "%.3f", usage.path("compute_seconds").asDouble()))
          .append("</td></tr>");
    }
    page.append("</table>");
    // The chart is drawn in the page from this data, so a browser shows exactly the numbers above.
    ObjectNode perAccount = Json.MAPPER.createObjectNode();
    for (JsonNode usage : summary.path("usage")) {
      String account = usage.path("account").asText();
      perAccount.put(
          account, perAccount.path(account).asDouble() + usage.path("compute_seconds").asDouble());
    }
    page.append(
            "<h3>Compute seconds per account</h3><svg id=\"usage-chart\" width=\"720\" height=\"")
        .append(30 + 26 * perAccount.size())
        .append("\"></svg>");
    page.append("<script id=\"usage-data\" type=\"application/json\">")
        .append(perAccount.toString().replace("</", "<\\/"))
        .append("</script>");
    page.append(
            "<script>(function(){var"
                + " data=JSON.parse(document.getElementById('usage-data').textContent);")
        .append(
            "var svg=document.getElementById('usage-chart');var ns='http://www.w3.org/2000/svg';")
        .append("var max=Math.max.apply(null,Object.values(data).concat([1e-9]));var y=10;")
        .append(
            "Object.keys(data).forEach(function(account){var w=Math.round(500*data[account]/max);")
        .append(
            "var label=document.createElementNS(ns,'text');label.setAttribute('x',0);label.setAttribute('y',y+14);label.textContent=account;svg.appendChild(label);")
        .append(
            "var bar=document.createElementNS(ns,'rect');bar.setAttribute('x',120);bar.setAttribute('y',y);bar.setAttribute('height',18);")
        .append(
            "bar.setAttribute('width',w);bar.setAttribute('fill','#3b7dd8');bar.setAttribute('data-account',account);bar.setAttribute('data-seconds',data[account]);svg.appendChild(bar);")
        .append(
            "var value=document.createElementNS(ns,'text');value.setAttribute('x',126+w);value.setAttribute('y',y+14);value.textContent=data[account].toFixed(3)+'"
                + " s';svg.appendChild(value);")
        .append("y+=26;});})();</script>");
  }

  private static void errors(StringBuilder page, JsonNode summary, ArrayNode errorRows) {
    page.append("<h2>").append(ReportWording.TOP_ERRORS).append("</h2>");
    if (summary.path("top_errors").isEmpty()) {
      empty(page, "top-errors", ReportWording.NO_ERRORS);
    } else {
      page.append("<table id=\"top-errors\"><tr><th>rows</th><th>error</th></tr>");
      for (Iterator<Map.Entry<String, JsonNode>> it = summary.path("top_errors").fields();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> error = it.next();
        page.append("<tr><td>")
            .append(error.getValue().asLong())
            .append("</td><td class=\"error\">")
            .append(escape(error.getKey()))
            .append("</td></tr>");
      }
      page.append("</table>");
    }
    page.append("<h2>").append(ReportWording.ERROR_ROWS).append("</h2>");
    if (errorRows.isEmpty()) {
      empty(page, "error-rows", ReportWording.NO_ERRORS);
      return;
    }
    page.append("<table id=\"error-rows\"><tr><th>row</th><th>error</th></tr>");
    for (JsonNode error : errorRows) {
      page.append("<tr><td>")
          .append(escape(error.path("row").asText()))
          .append("</td><td class=\"error\">")
          .append(escape(error.path("error").asText()))
          .append("</td></tr>");
    }
    page.append("</table>");
  }

  private static void figure(StringBuilder page, String id, String label, String value) {
    page.append("<div class=\"figure\"><b id=\"")
        .append(id)
        .append("\">")
        .append(escape(value))
        .append("</b>")
        .append(escape(label))
        .append("</div>");
  }

  private static String join(JsonNode values) {
    StringBuilder joined = new StringBuilder();
    values.forEach(value -> joined.append(joined.length() == 0 ? "" : ", ").append(value.asText()));
    return joined.length() == 0 ? "none" : joined.toString();
  }

  static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&#39;");
  }
}
