package co.backprop.jobs.cli;

import co.backprop.jobs.input.InputFormat;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

final class FormatConverter implements ITypeConverter<InputFormat> {
  @Override
  public InputFormat convert(String value) {
    try {
      return InputFormat.fromName(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
