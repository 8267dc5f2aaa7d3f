package co.backprop.outputs;

import co.backprop.contract.job.DataFormat;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One job's output folder as its readers see it (see {@link OutputLayout}), on any Hadoop file
 * system: a local folder or {@code s3a://}. The one place that knows which run is current, where
 * its results are and what format they are in.
 */
public final class JobOutput {
  /** A run folder of an incremental output: its number and whether it is committed. */
  public record Run(int version, Path folder, boolean committed) {}

  private final Path root;
  private final FileSystem fs;

  private JobOutput(Path root, FileSystem fs) {
    this.root = root;
    this.fs = fs;
  }

  public static JobOutput at(String location, Configuration hadoop) {
    try {
      Path path = new Path(location);
      FileSystem fs = path.getFileSystem(hadoop);
      return new JobOutput(fs.makeQualified(path), fs);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + location, e);
    }
  }

  public Path root() {
    return root;
  }

  public FileSystem fileSystem() {
    return fs;
  }

  /**
   * Whether this is a one-off job's output (its summary at the top) rather than runs of an
   * incremental one.
   */
  public boolean oneOff() {
    return exists(new Path(root, OutputLayout.SUMMARY));
  }

  /**
   * The run folders of an incremental output, oldest first, committed or not; anything else in the
   * folder is listed in {@code others}.
   */
  public List<Run> runs(List<String> others) {
    List<Run> runs = new ArrayList<>();
    for (FileStatus child : list(root)) {
      String name = child.getPath().getName();
      var version = OutputLayout.version(name);
      if (version.isEmpty()) {
        others.add(name);
      } else {
        runs.add(
            new Run(
                version.getAsInt(),
                child.getPath(),
                exists(new Path(child.getPath(), OutputLayout.COMMITTED))));
      }
    }
    runs.sort(Comparator.comparingInt(Run::version));
    return runs;
  }

  /** The committed runs, oldest first (none for a one-off output). */
  public List<Run> committedRuns() {
    return runs(new ArrayList<>()).stream().filter(Run::committed).toList();
  }

  /**
   * The folder holding the current results, usage and summary: the output itself for a one-off job,
   * the newest committed run for an incremental one; empty when it holds neither.
   */
  public Optional<Path> current() {
    if (oneOff()) {
      return Optional.of(root);
    }
    List<Run> committed = committedRuns();
    return committed.isEmpty()
        ? Optional.empty()
        : Optional.of(committed.get(committed.size() - 1).folder());
  }

  /**
   * The summaries of every finished run: the one of a one-off job, or each committed run's, oldest
   * first.
   */
  public List<Path> summaries() {
    if (oneOff()) {
      return List.of(new Path(root, OutputLayout.SUMMARY));
    }
    return committedRuns().stream()
        .map(run -> new Path(run.folder(), OutputLayout.SUMMARY))
        .filter(this::exists)
        .toList();
  }

  /** The current run's folder, or an error saying this is not the output of a finished job. */
  public Path requireCurrent() {
    return current()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    root
                        + " holds no summary.json and no committed run (v0001/, ...): it is not the"
                        + " output of a finished job"));
  }

  public String readText(Path file) {
    try (InputStream in = fs.open(file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** The data files of a run's results, in part order. */
  public List<Path> resultParts(Path run) {
    Path results = new Path(run, OutputLayout.RESULTS);
    if (!exists(results)) {
      return List.of();
    }
    return Arrays.stream(list(results))
        .map(FileStatus::getPath)
        .filter(path -> !path.getName().startsWith("_") && !path.getName().startsWith("."))
        .sorted(Comparator.comparing(Path::getName))
        .toList();
  }

  /** The format a run's results are written in, from their part files; empty when it wrote none. */
  public Optional<DataFormat> resultsFormat(Path run) {
    for (Path part : resultParts(run)) {
      String name = part.getName();
      if (name.endsWith(".txt") || name.endsWith(".txt.gz")) {
        return Optional.of(DataFormat.JSONL); // Spark's text writer: the job's JSON lines
      }
      Optional<DataFormat> format =
          DataFormat.ofFileName(name.replaceAll("\\.(snappy|zstd|gz|lz4)(?=\\.)", ""));
      if (format.isPresent()) {
        return format;
      }
    }
    return Optional.empty();
  }

  /**
   * Copies the current results, as JSON lines, to {@code out}. Results in another format (Parquet,
   * ORC) are refused: reading them needs Spark.
   */
  public void copyResultLines(OutputStream out) {
    Path run = requireCurrent();
    Optional<DataFormat> format = resultsFormat(run);
    if (format.isPresent() && format.get() != DataFormat.JSONL) {
      throw new IllegalStateException(
          "the results are "
              + format.get().apiName()
              + " files, not JSON lines; read them with Spark or run the job with output format"
              + " jsonl");
    }
    for (Path part : resultParts(run)) {
      try (InputStream in = fs.open(part)) {
        in.transferTo(out);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + part, e);
      }
    }
  }

  /** The current results as lines (small outputs: a task call's). */
  public List<String> resultLines() {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    copyResultLines(bytes);
    return bytes.toString(StandardCharsets.UTF_8).lines().filter(line -> !line.isBlank()).toList();
  }

  private boolean exists(Path path) {
    try {
      return fs.exists(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }

  private FileStatus[] list(Path folder) {
    try {
      return fs.listStatus(folder);
    } catch (FileNotFoundException e) {
      return new FileStatus[0];
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + folder, e);
    }
  }
}
