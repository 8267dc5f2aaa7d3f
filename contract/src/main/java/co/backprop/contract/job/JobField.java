package co.backprop.contract.job;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A setting of a batch job, as each side spells it: the API's body field ({@code id_col}) and the
 * command line's flag ({@code --id-col}). Messages about a job are written once with {@code
 * {id_col}} placeholders and rendered for whoever asked.
 */
public enum JobField {
  TASK("task", "--task"),
  MODEL("model", "--model"),
  INPUT("input", "--input"),
  REQUESTS("requests", "--input"),
  OUTPUT("output", "--output"),
  FORMAT("format", "--format"),
  OUTPUT_FORMAT("output_format", "--output-format"),
  MAP("map", "--map"),
  SET("set", "--set"),
  ID_COL("id_col", "--id-col");

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)}");

  private final String apiName;
  private final String flag;

  JobField(String apiName, String flag) {
    this.apiName = apiName;
    this.flag = flag;
  }

  public String apiName() {
    return apiName;
  }

  public String flag() {
    return flag;
  }

  /** Who asked for a job, and so how its fields are named back to them. */
  public enum Origin {
    /** A body sent to the front door. */
    API,
    /** Flags given to {@code bin/backprop job} or spark-submit. */
    CLI
  }

  public String name(Origin origin) {
    return origin == Origin.API ? apiName : flag;
  }

  /** {@code "{map} needs {task}"} → {@code "map needs task"} or {@code "--map needs --task"}. */
  public static String render(String template, Origin origin) {
    Matcher matcher = PLACEHOLDER.matcher(template);
    StringBuilder rendered = new StringBuilder();
    while (matcher.find()) {
      String replacement = matcher.group();
      for (JobField field : values()) {
        if (field.apiName.equals(matcher.group(1))) {
          replacement = field.name(origin);
        }
      }
      matcher.appendReplacement(rendered, Matcher.quoteReplacement(replacement));
    }
    matcher.appendTail(rendered);
    return rendered.toString();
  }
}
