package co.backprop.jobs.cli;

import co.backprop.contract.job.DataFormat;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

final class FormatConverter implements ITypeConverter<DataFormat> {
  @Override
  public DataFormat convert(String value) {
    try {
      return DataFormat.fromName(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
