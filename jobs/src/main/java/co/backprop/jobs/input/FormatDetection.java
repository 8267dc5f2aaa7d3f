package co.backprop.jobs.input;

import co.backprop.contract.job.DataFormat;
import co.backprop.contract.job.InvalidJobException;
import co.backprop.contract.job.JobField;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Which {@link DataFormat} an input is in, when the job was not told: from its file names. */
public final class FormatDetection {
  private FormatDetection() {}

  /**
   * The format of a file from its extension, or of a folder: a Delta table when it has a {@code
   * _delta_log/}, else from its first data file (e.g. a Spark output folder of part files).
   */
  public static DataFormat detect(String input, Configuration hadoop) {
    try {
      Path path = new Path(input);
      FileSystem fs = path.getFileSystem(hadoop);
      FileStatus status;
      try {
        status = fs.getFileStatus(path);
      } catch (FileNotFoundException e) {
        throw new InvalidJobException(JobField.INPUT, input + " does not exist");
      }
      if (!status.isDirectory()) {
        return fromFileName(path.getName(), input);
      }
      if (fs.exists(new Path(path, "_delta_log"))) {
        return DataFormat.DELTA;
      }
      for (FileStatus child : fs.listStatus(path)) {
        String name = child.getPath().getName();
        if (child.isFile() && !name.startsWith("_") && !name.startsWith(".")) {
          return fromFileName(name, input);
        }
      }
      throw new InvalidJobException(JobField.INPUT, "the folder " + input + " holds no data files");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read input " + input, e);
    }
  }

  private static DataFormat fromFileName(String fileName, String input) {
    return DataFormat.ofFileName(fileName)
        .orElseThrow(
            () ->
                new InvalidJobException(
                    JobField.FORMAT,
                    "cannot tell the format of "
                        + input
                        + " from its name; name it with {format} ("
                        + DataFormat.names()
                        + ")"));
  }
}
