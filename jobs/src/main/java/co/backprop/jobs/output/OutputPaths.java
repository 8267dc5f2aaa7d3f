package co.backprop.jobs.output;

import co.backprop.outputs.OutputLayout;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The layout of a job's output folder: {@code results/}, {@code usage/} and {@code summary.json}
 * (names in {@link OutputLayout}). Works on any Hadoop file system (local, s3a).
 */
public final class OutputPaths {
  private final Path root;
  private final FileSystem fs;

  private OutputPaths(Path root, FileSystem fs) {
    this.root = root;
    this.fs = fs;
  }

  /**
   * Makes sure the output can be written: a folder that exists is replaced only with {@code
   * overwrite}, and only when it is empty or a previous job's output (never some other folder).
   */
  public static OutputPaths prepare(String output, boolean overwrite, Configuration hadoop) {
    try {
      Path root = new Path(output);
      FileSystem fs = root.getFileSystem(hadoop);
      OutputPaths paths = new OutputPaths(fs.makeQualified(root), fs);
      if (fs.exists(root)) {
        FileStatus[] children = fs.listStatus(root);
        boolean ours = fs.exists(paths.resultsPath()) || fs.exists(paths.summaryPath());
        if (!overwrite) {
          throw new IllegalArgumentException(
              "output " + output + " already exists; pass --overwrite to replace it");
        }
        if (children.length > 0 && !ours) {
          throw new IllegalArgumentException(
              "output "
                  + output
                  + " exists and is not the output of a previous job; refusing to delete it");
        }
        fs.delete(root, true);
      }
      return paths;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare output " + output, e);
    }
  }

  public String root() {
    return root.toString();
  }

  public String results() {
    return resultsPath().toString();
  }

  /** An incremental run's index of the ids it processed (see {@link OutputLayout}). */
  public String index() {
    return new Path(root, OutputLayout.INDEX).toString();
  }

  public String responses() {
    return new Path(root, "responses").toString();
  }

  public String usage() {
    return new Path(root, OutputLayout.USAGE).toString();
  }

  /** Where JSON lines wait when the results are converted to another format. */
  public String staging() {
    return new Path(root, "_staging").toString();
  }

  public void deleteStaging() {
    try {
      fs.delete(new Path(staging()), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + staging(), e);
    }
  }

  public void writeSummary(String json) {
    try (OutputStream out = fs.create(summaryPath(), true)) {
      out.write(json.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + summaryPath(), e);
    }
  }

  /** The usage lines as one JSON-lines part file (small: one line per account, task and model). */
  public void writeUsage(java.util.List<String> lines) {
    Path folder = new Path(root, OutputLayout.USAGE);
    try {
      fs.mkdirs(folder);
      try (OutputStream out = fs.create(new Path(folder, "part-00000.json"), true)) {
        for (String line : lines) {
          out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
      }
      fs.create(new Path(folder, "_SUCCESS"), true).close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + folder, e);
    }
  }

  public String summary() {
    return summaryPath().toString();
  }

  private Path resultsPath() {
    return new Path(root, OutputLayout.RESULTS);
  }

  private Path summaryPath() {
    return new Path(root, OutputLayout.SUMMARY);
  }
}
