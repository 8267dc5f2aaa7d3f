package co.backprop.jobs.input;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The file formats the job reads and writes. JSON lines are read as text and parsed by the job
 * itself (so a bad line becomes an error row naming its line); the others through Spark's readers.
 */
public enum InputFormat {
  JSONL("json", ".jsonl", ".json", ".ndjson"),
  PARQUET("parquet", ".parquet"),
  CSV("csv", ".csv"),
  ORC("orc", ".orc");

  private static final String[] COMPRESSION = {".gz", ".bz2", ".zst", ".snappy", ".lz4", ".deflate"};

  private final String sparkSource;
  private final String[] extensions;

  InputFormat(String sparkSource, String... extensions) {
    this.sparkSource = sparkSource;
    this.extensions = extensions;
  }

  /** The name of Spark's data source for this format. */
  public String sparkSource() {
    return sparkSource;
  }

  public static InputFormat fromName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (InputFormat format : values()) {
      if (format.name().toLowerCase(Locale.ROOT).equals(lower)
          || Arrays.stream(format.extensions).anyMatch(e -> e.substring(1).equals(lower))) {
        return format;
      }
    }
    throw new IllegalArgumentException("unknown format '" + name + "'; known formats: " + names());
  }

  static String names() {
    return Arrays.stream(values()).map(f -> f.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
  }

  /**
   * The format of a file from its extension (compression suffixes ignored), or of a folder from its
   * first data file (e.g. a Spark output folder of part files).
   */
  public static InputFormat detect(String input, Configuration hadoop) {
    try {
      Path path = new Path(input);
      FileSystem fs = path.getFileSystem(hadoop);
      FileStatus status;
      try {
        status = fs.getFileStatus(path);
      } catch (java.io.FileNotFoundException e) {
        throw new IllegalArgumentException("input " + input + " does not exist");
      }
      if (!status.isDirectory()) {
        return fromFileName(path.getName(), input);
      }
      for (FileStatus child : fs.listStatus(path)) {
        String name = child.getPath().getName();
        if (child.isFile() && !name.startsWith("_") && !name.startsWith(".")) {
          return fromFileName(name, input);
        }
      }
      throw new IllegalArgumentException("input folder " + input + " holds no data files");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read input " + input, e);
    }
  }

  private static InputFormat fromFileName(String fileName, String input) {
    String name = fileName.toLowerCase(Locale.ROOT);
    for (String suffix : COMPRESSION) {
      if (name.endsWith(suffix)) {
        name = name.substring(0, name.length() - suffix.length());
      }
    }
    for (InputFormat format : values()) {
      for (String extension : format.extensions) {
        if (name.endsWith(extension)) {
          return format;
        }
      }
    }
    throw new IllegalArgumentException(
        "cannot tell the format of " + input + " from its name; pass --format (" + names() + ")");
  }
}
