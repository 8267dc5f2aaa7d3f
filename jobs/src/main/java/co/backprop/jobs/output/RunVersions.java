package co.backprop.jobs.output;

import co.backprop.outputs.JobOutput;
import co.backprop.outputs.OutputLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The runs of an incremental output folder (see {@link OutputLayout}): which one is current, where
 * the next one goes, and its commit. Works on any Hadoop file system (local, s3a).
 */
public final class RunVersions {
  /**
   * Committed runs whose results are kept: the current one and the one before, for readers still on
   * it.
   */
  private static final int KEPT_RESULTS = 2;

  private final Path root;
  private final FileSystem fs;
  private final List<Integer> committed;
  private final List<Integer> uncommitted;

  private RunVersions(
      Path root, FileSystem fs, List<Integer> committed, List<Integer> uncommitted) {
    this.root = root;
    this.fs = fs;
    this.committed = committed;
    this.uncommitted = uncommitted;
  }

  /**
   * Reads the folder's runs; refuses a folder holding anything else, such as a one-off job's
   * output.
   */
  public static RunVersions open(String output, Configuration hadoop) {
    JobOutput job = JobOutput.at(output, hadoop);
    List<String> others = new ArrayList<>();
    List<Integer> committed = new ArrayList<>();
    List<Integer> uncommitted = new ArrayList<>();
    for (JobOutput.Run run : job.runs(others)) {
      (run.committed() ? committed : uncommitted).add(run.version());
    }
    if (!others.isEmpty()) {
      throw new IllegalArgumentException(
          "--incremental: "
              + output
              + " holds '"
              + others.get(0)
              + "', which is not a run of incremental enrichment (v0001, v0002, ...); "
              + "give incremental runs an output folder of their own");
    }
    return new RunVersions(job.root(), job.fileSystem(), committed, uncommitted);
  }

  /** The folder of the current (newest committed) run, if any. */
  public Optional<String> current() {
    return committed.isEmpty()
        ? Optional.empty()
        : Optional.of(folder(committed.get(committed.size() - 1)).toString());
  }

  /**
   * The next run's output folder, empty. Runs that died before their commit left folders above the
   * current one: they are garbage and are deleted first.
   */
  public OutputPaths next() {
    try {
      int current = committed.isEmpty() ? 0 : committed.get(committed.size() - 1);
      for (int version : uncommitted) {
        if (version > current) {
          fs.delete(folder(version), true);
        }
      }
      return OutputPaths.prepare(folder(current + 1).toString(), false, fs.getConf());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clear unfinished runs in " + root, e);
    }
  }

  /**
   * Makes the run current by creating its marker (one atomic create), then frees the results of
   * runs older than the one before it. Their usage and summary stay: they are the billing record.
   */
  public void commit(OutputPaths run) {
    Path folder = new Path(run.root());
    try {
      fs.create(new Path(folder, OutputLayout.COMMITTED), false).close();
      List<Integer> all = new ArrayList<>(committed);
      all.add(OutputLayout.version(folder.getName()).orElseThrow());
      for (int i = 0; i < all.size() - KEPT_RESULTS; i++) {
        fs.delete(new Path(folder(all.get(i)), OutputLayout.RESULTS), true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot commit " + folder, e);
    }
  }

  private Path folder(int version) {
    return new Path(root, OutputLayout.versionFolder(version));
  }
}
