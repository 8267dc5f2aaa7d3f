package co.backprop.outputs;

import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names inside a job's output folder, for every reader ({@link JobOutput}) and writer of it. A
 * one-off job writes {@code results/}, {@code usage/} and {@code summary.json} at the top.
 * Incremental runs write one folder per run, {@code v0001/}, {@code v0002/}, ..., each with the
 * same three entries; a run is committed when its {@code _COMMITTED} marker exists, and the current
 * state is the committed run with the highest number. Creating one small file is atomic on every
 * file system (and object store), so a run that dies before its marker leaves the previous state
 * current.
 */
public final class OutputLayout {
  public static final String RESULTS = "results";
  public static final String USAGE = "usage";
  public static final String SUMMARY = "summary.json";
  public static final String COMMITTED = "_COMMITTED";

  private static final Pattern VERSION = Pattern.compile("v(\\d{4,9})");

  private OutputLayout() {}

  public static String versionFolder(int version) {
    return String.format(java.util.Locale.ROOT, "v%04d", version);
  }

  /** The run number of a folder named like {@link #versionFolder}, or empty. */
  public static OptionalInt version(String folderName) {
    Matcher matcher = VERSION.matcher(folderName);
    return matcher.matches()
        ? OptionalInt.of(Integer.parseInt(matcher.group(1)))
        : OptionalInt.empty();
  }
}
