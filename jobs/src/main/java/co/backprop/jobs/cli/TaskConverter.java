package co.backprop.jobs.cli;

import co.backprop.contract.task.Task;
import java.util.Arrays;
import java.util.Iterator;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Task names as the API spells them: {@code --task text-vectorisation}. */
final class TaskConverter implements ITypeConverter<Task> {
  @Override
  public Task convert(String value) {
    try {
      return Task.fromApiName(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }

  static final class Names implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return Arrays.stream(Task.values()).map(Task::apiName).iterator();
    }
  }
}
