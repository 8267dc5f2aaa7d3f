package co.backprop.contract.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The file formats jobs read and write. JSON lines are read as text and parsed by the job itself
 * (so a bad line becomes an error row naming its line); the others through Spark's readers.
 */
public enum DataFormat {
  JSONL("json", ".jsonl", ".json", ".ndjson"),
  PARQUET("parquet", ".parquet"),
  CSV("csv", ".csv"),
  ORC("orc", ".orc"),
  /**
   * A Delta Lake table: a folder with {@code _delta_log/}, read and written through delta-spark.
   */
  DELTA("delta");

  private static final String[] COMPRESSION = {
    ".gz", ".bz2", ".zst", ".snappy", ".lz4", ".deflate"
  };

  private final String sparkSource;
  private final String[] extensions;

  DataFormat(String sparkSource, String... extensions) {
    this.sparkSource = sparkSource;
    this.extensions = extensions;
  }

  /** The name of Spark's data source for this format. */
  public String sparkSource() {
    return sparkSource;
  }

  /** {@code jsonl}, {@code parquet}, ...: how flags and API fields spell it. */
  @JsonValue
  public String apiName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * A format by its name or one of its extensions ({@code ndjson}); unknown names list the known
   * ones.
   */
  @JsonCreator
  public static DataFormat fromName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (DataFormat format : values()) {
      if (format.apiName().equals(lower)
          || Arrays.stream(format.extensions).anyMatch(e -> e.substring(1).equals(lower))) {
        return format;
      }
    }
    throw new IllegalArgumentException("unknown format '" + name + "'; known formats: " + names());
  }

  public static String names() {
    return Arrays.stream(values()).map(DataFormat::apiName).collect(Collectors.joining(", "));
  }

  /** The format a file name says (compression suffixes ignored), if it says one. */
  public static Optional<DataFormat> ofFileName(String fileName) {
    String name = fileName.toLowerCase(Locale.ROOT);
    for (String suffix : COMPRESSION) {
      if (name.endsWith(suffix)) {
        name = name.substring(0, name.length() - suffix.length());
      }
    }
    for (DataFormat format : values()) {
      for (String extension : format.extensions) {
        if (name.endsWith(extension)) {
          return Optional.of(format);
        }
      }
    }
    return Optional.empty();
  }
}
