package co.backprop.contract.job;

import static java.util.Objects.requireNonNull;

import co.backprop.contract.UserError;

/**
 * A job that cannot run as asked, about one of its settings. The message is kept as a template
 * ({@code "{id_col} sku: the input has no such column"}) and rendered for the side that asked:
 * {@link #getMessage()} names API fields, {@link #message(JobField.Origin)} either.
 */
public final class InvalidJobException extends IllegalArgumentException implements UserError {
  private final JobField field;
  private final String template;

  /**
   * @param template the problem, starting without the field's name (it is prepended); other fields
   *     may be named as placeholders, {@code {task}}
   */
  public InvalidJobException(JobField field, String template) {
    super(requireNonNull(template, "template is null"));
    this.field = requireNonNull(field, "field is null");
    this.template = template;
  }

  public JobField field() {
    return field;
  }

  public String message(JobField.Origin origin) {
    return field.name(origin) + ": " + JobField.render(template, origin);
  }

  @Override
  public String getMessage() {
    return message(JobField.Origin.API);
  }
}
