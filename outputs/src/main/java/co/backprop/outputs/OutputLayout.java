package co.backprop.outputs;

import java.util.Locale;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names inside a job's output folder, for every reader ({@link JobOutput}) and writer of it.
 *
 * <p>A one-off job writes {@code results/}, {@code usage/} and {@code summary.json} at the top.
 *
 * <p>Incremental runs are delta runs: each writes only the rows it processed (new, changed,
 * retried) into a folder of its own, {@code v0002-3f9a1c2e/}, with {@code results/}, {@code
 * usage/}, {@code summary.json} and {@code index/}: one small line per processed id, {@code {id,
 * input_hash, ok}}, all the next run reads to decide what to skip. A run is committed by creating
 * its entry in the log, {@code _log/v0002.json} (it names the folder), with overwrite off: of two
 * runs that both computed version 2, the second to commit finds the entry and fails, and its folder
 * is never read. The current state is, per id, the row of the newest committed run holding the id,
 * read from the newest snapshot on: {@code compact} writes a snapshot run (every current row and a
 * full index, no usage) so readers stop there.
 */
public final class OutputLayout {
  public static final String RESULTS = "results";
  public static final String USAGE = "usage";
  public static final String SUMMARY = "summary.json";
  public static final String INDEX = "index";
  public static final String LOG = "_log";

  /** Index line fields. */
  public static final String INDEX_ID = "id";

  public static final String INDEX_HASH = "input_hash";
  public static final String INDEX_OK = "ok";

  private static final Pattern RUN_FOLDER = Pattern.compile("v(\\d{4,9})-([0-9a-f]{8})");
  private static final Pattern LOG_ENTRY = Pattern.compile("v(\\d{4,9})\\.json");

  private OutputLayout() {}

  /** A run's folder: its version and a token of its own, so concurrent runs never share one. */
  public static String runFolder(int version, String token) {
    return String.format(Locale.ROOT, "v%04d-%s", version, token);
  }

  /** The name of a run's commit entry in {@link #LOG}. */
  public static String logEntry(int version) {
    return String.format(Locale.ROOT, "v%04d.json", version);
  }

  /** How summaries and messages name a run: {@code v0002}. */
  public static String runName(int version) {
    return String.format(Locale.ROOT, "v%04d", version);
  }

  /** The version of a folder named like {@link #runFolder}, or empty. */
  public static OptionalInt runVersion(String folderName) {
    return number(RUN_FOLDER.matcher(folderName));
  }

  /** The version of a log entry named like {@link #logEntry}, or empty. */
  public static OptionalInt logVersion(String entryName) {
    return number(LOG_ENTRY.matcher(entryName));
  }

  private static OptionalInt number(Matcher matcher) {
    return matcher.matches()
        ? OptionalInt.of(Integer.parseInt(matcher.group(1)))
        : OptionalInt.empty();
  }
}
