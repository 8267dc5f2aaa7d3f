package co.backprop.jobs.report;

import static org.assertj.core.api.Assertions.assertThat;

import co.backprop.contract.task.Json;
import co.backprop.outputs.ReportWording;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** The report's sections: a sentence where a section has nothing, a table where it has rows. */
class JobReportTest {
  private static ObjectNode summary() {
    ObjectNode summary = Json.MAPPER.createObjectNode();
    summary.put("input", "in.jsonl").put("rows", 3).put("results", 3).put("ok", 3).put("error", 0);
    summary.putArray("usage");
    summary.putArray("model_loads");
    summary.putObject("top_errors");
    return summary;
  }

  @Test
  void emptySectionsSayThereWasNothingInTheConsolesWords() {
    String page = JobReport.html(summary(), Json.MAPPER.createArrayNode());
    assertThat(page)
        .contains("<h2>" + ReportWording.TOP_ERRORS + "</h2>")
        .contains("<p class=\"empty\" id=\"top-errors\">" + ReportWording.NO_ERRORS + "</p>")
        .contains("<p class=\"empty\" id=\"error-rows\">" + ReportWording.NO_ERRORS + "</p>")
        .contains("<p class=\"empty\" id=\"usage\">" + ReportWording.NO_USAGE + "</p>")
        .contains("<p class=\"empty\" id=\"model-loads\">" + ReportWording.NO_MODEL_LOADS + "</p>")
        .doesNotContain("<table")
        .endsWith("</body></html>\n");
  }

  @Test
  void sectionsWithRowsAreTables() {
    ObjectNode summary = summary().put("error", 1);
    summary.withObject("/top_errors").put("text: must not be empty", 1);
    summary
        .withArray("/usage")
        .addObject()
        .put("account", "acme")
        .put("period", "2026-12")
        .put("task", "emotion")
        .put("model", "english")
        .put("requests", 2)
        .put("compute_seconds", 0.5);
    ArrayNode errors = Json.MAPPER.createArrayNode();
    errors.addObject().put("row", "r7").put("error", "text: must not be empty <b>");
    String page = JobReport.html(summary, errors);
    assertThat(page)
        .contains("<table id=\"top-errors\">")
        .contains("<td>r7</td><td class=\"error\">text: must not be empty &lt;b&gt;</td>")
        .contains("<table id=\"usage\">")
        .doesNotContain("id=\"top-errors\">" + ReportWording.NO_ERRORS)
        .doesNotContain("id=\"error-rows\">" + ReportWording.NO_ERRORS);
  }
}
