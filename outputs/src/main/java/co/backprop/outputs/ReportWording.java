package co.backprop.outputs;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The words a finished job's report uses for its sections, shared by {@code bin/backprop report}
 * (HTML) and the web console's job page (which gets them from GET /jobs/{id}/report), so both say
 * the same thing — and an empty section says so instead of showing a bare table.
 */
public final class ReportWording {
  public static final String TOP_ERRORS = "Most frequent errors";
  public static final String ERROR_ROWS = "First error rows";
  public static final String NO_ERRORS = "no errors";
  public static final String USAGE = "Usage";
  public static final String NO_USAGE = "no usage recorded";
  public static final String MODEL_LOADS = "Model loads";
  public static final String NO_MODEL_LOADS = "no model loaded";

  private ReportWording() {}

  /** Every phrase by a key the console reads. */
  public static Map<String, String> all() {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("top_errors", TOP_ERRORS);
    all.put("error_rows", ERROR_ROWS);
    all.put("no_errors", NO_ERRORS);
    all.put("usage", USAGE);
    all.put("no_usage", NO_USAGE);
    all.put("model_loads", MODEL_LOADS);
    all.put("no_model_loads", NO_MODEL_LOADS);
    return all;
  }
}
