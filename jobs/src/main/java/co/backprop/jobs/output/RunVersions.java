package co.backprop.jobs.output;

import co.backprop.contract.task.Json;
import co.backprop.outputs.JobOutput;
import co.backprop.outputs.OutputLayout;
import co.backprop.outputs.RunCommit;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The runs of an incremental output folder (see {@link OutputLayout}) as a writer sees them: which
 * are live, where the next one goes, and its commit, which fails when another run committed the
 * same version first. Works on any Hadoop file system (local, s3a).
 */
public final class RunVersions {
  private static final SecureRandom TOKENS = new SecureRandom();

  private final JobOutput output;
  private final List<JobOutput.Run> committed;
  private final int version;
  private Path folder;

  private RunVersions(JobOutput output, List<JobOutput.Run> committed) {
    this.output = output;
    this.committed = committed;
    this.version = committed.isEmpty() ? 1 : committed.get(committed.size() - 1).version() + 1;
  }

  /**
   * Reads the folder's runs; refuses a folder holding anything else, such as a one-off job's
   * output.
   */
  public static RunVersions open(String location, Configuration hadoop) {
    JobOutput output = JobOutput.at(location, hadoop);
    List<String> others = new ArrayList<>();
    output.runFolders(others);
    if (!others.isEmpty()) {
      throw new IllegalArgumentException(
          "--incremental: "
              + location
              + " holds '"
              + others.get(0)
              + "', which is not a run of incremental enrichment (_log/, v0001-..., v0002-...);"
              + " give incremental runs an output folder of their own");
    }
    return new RunVersions(output, output.committedRuns());
  }

  public JobOutput output() {
    return output;
  }

  /** The runs the current state is made of (see {@link JobOutput#liveRuns}). */
  public List<JobOutput.Run> live() {
    return output.liveRuns();
  }

  /** The version this run will commit as. */
  public int version() {
    return version;
  }

  /**
   * This run's output folder, empty and its own. Folders of runs that can no longer commit (their
   * version is taken, they died or lost a race) are garbage and are deleted first; a folder above
   * the current version may be a live concurrent run's and is left alone.
   */
  public OutputPaths next() {
    FileSystem fs = output.fileSystem();
    Set<String> live =
        committed.stream().map(run -> run.folder().getName()).collect(Collectors.toSet());
    try {
      for (Path other : output.runFolders(new ArrayList<>())) {
        int otherVersion = OutputLayout.runVersion(other.getName()).orElseThrow();
        if (otherVersion < version && !live.contains(other.getName())) {
          fs.delete(other, true);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clear unfinished runs in " + output.root(), e);
    }
    String token = HexFormat.of().formatHex(token());
    folder = new Path(output.root(), OutputLayout.runFolder(version, token));
    return OutputPaths.prepare(folder.toString(), false, fs.getConf());
  }

  /**
   * Makes the run current by creating its log entry with overwrite off (one atomic create on HDFS
   * and local disks; on S3 the window between the check and the write is a single request). When
   * another run committed this version first, this run's folder is deleted and the commit fails.
   */
  public void commit(RunCommit.Kind kind, String idField) {
    FileSystem fs = output.fileSystem();
    Path entry = logEntry();
    RunCommit commit = new RunCommit(version, folder.getName(), kind, idField);
    try {
      fs.mkdirs(entry.getParent());
      if (fs.exists(entry)) {
        throw lost();
      }
      try (OutputStream out = fs.create(entry, false)) {
        out.write(Json.MAPPER.writeValueAsBytes(commit));
      } catch (FileAlreadyExistsException e) {
        throw lost();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot commit " + folder, e);
    }
    if (kind == RunCommit.Kind.SNAPSHOT) {
      freeBefore(version);
    }
  }

  /** Whether another run committed this run's version: then any failure of this run is that. */
  public boolean lostTheRace() {
    try {
      return folder != null
          && output.fileSystem().exists(logEntry())
          && output.committedRuns().stream()
              .noneMatch(run -> run.folder().getName().equals(folder.getName()));
    } catch (IOException e) {
      return false;
    }
  }

  /** The error of a run another run beat to its commit, its own folder deleted. */
  public ConcurrentRunException lost() {
    try {
      output.fileSystem().delete(folder, true);
    } catch (IOException e) {
      // the folder is garbage either way: the next run deletes it
    }
    return new ConcurrentRunException(
        "another run committed "
            + OutputLayout.runName(version)
            + " of "
            + output.root()
            + " while this one ran, so this run's results were discarded and the output holds the"
            + " other run's; run again to process what changed since");
  }

  /**
   * After a snapshot: the results and indexes of earlier runs are no longer read. Their usage and
   * summary stay: they are the billing record.
   */
  private void freeBefore(int snapshot) {
    FileSystem fs = output.fileSystem();
    for (JobOutput.Run run : output.committedRuns()) {
      if (run.version() < snapshot) {
        try {
          fs.delete(new Path(run.folder(), OutputLayout.RESULTS), true);
          fs.delete(new Path(run.folder(), OutputLayout.INDEX), true);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot free " + run.folder(), e);
        }
      }
    }
  }

  private static byte[] token() {
    byte[] token = new byte[4];
    TOKENS.nextBytes(token);
    return token;
  }

  private Path logEntry() {
    return new Path(new Path(output.root(), OutputLayout.LOG), OutputLayout.logEntry(version));
  }

  /** Two runs of one incremental output computed the same version; this one lost. */
  public static final class ConcurrentRunException extends IllegalStateException {
    public ConcurrentRunException(String message) {
      super(message);
    }
  }
}
