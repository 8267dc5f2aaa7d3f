package co.backprop.outputs;

import co.backprop.contract.job.DataFormat;
import co.backprop.contract.task.Json;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One job's output folder as its readers see it (see {@link OutputLayout}), on any Hadoop file
 * system: a local folder or {@code s3a://}. The one place that knows which runs are committed,
 * which rows are current, where results are and what format they are in.
 */
public final class JobOutput {
  /** A committed run of an incremental output. */
  public record Run(int version, Path folder, RunCommit.Kind kind, String idField) {
    public String name() {
      return OutputLayout.runName(version);
    }
  }

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

  /** The committed runs from the log, oldest first (none for a one-off output). */
  public List<Run> committedRuns() {
    List<Run> runs = new ArrayList<>();
    for (FileStatus entry : list(new Path(root, OutputLayout.LOG))) {
      if (OutputLayout.logVersion(entry.getPath().getName()).isEmpty()) {
        continue; // a partial write's temporary file, never an entry
      }
      RunCommit commit;
      try {
        commit = Json.MAPPER.readValue(readText(entry.getPath()), RunCommit.class);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the commit " + entry.getPath(), e);
      }
      runs.add(
          new Run(
              commit.version(), new Path(root, commit.folder()), commit.kind(), commit.idField()));
    }
    runs.sort(Comparator.comparingInt(Run::version));
    return runs;
  }

  /**
   * The runs the current state is made of: the newest snapshot and every committed run after it
   * (all of them when there is no snapshot), oldest first.
   */
  public List<Run> liveRuns() {
    List<Run> committed = committedRuns();
    int from = 0;
    for (int i = 0; i < committed.size(); i++) {
      if (committed.get(i).kind() == RunCommit.Kind.SNAPSHOT) {
        from = i;
      }
    }
    return committed.subList(from, committed.size());
  }

  /**
   * The folders in the output that look like runs (committed or not) by name; anything else but the
   * log and a Delta results table goes to {@code others}.
   */
  public List<Path> runFolders(List<String> others) {
    List<Path> folders = new ArrayList<>();
    for (FileStatus child : list(root)) {
      String name = child.getPath().getName();
      if (OutputLayout.runVersion(name).isPresent()) {
        folders.add(child.getPath());
      } else if (!name.equals(OutputLayout.LOG)
          && !(name.equals(OutputLayout.RESULTS) && deltaTable())) {
        others.add(name);
      }
    }
    return folders;
  }

  /**
   * The folder holding the latest summary: the output itself for a one-off job, the newest
   * committed run that has one (snapshots have none) for an incremental output; empty when it holds
   * neither.
   */
  public Optional<Path> current() {
    if (oneOff()) {
      return Optional.of(root);
    }
    List<Path> summaries = summaries();
    return summaries.isEmpty()
        ? Optional.empty()
        : Optional.of(summaries.get(summaries.size() - 1).getParent());
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

  /** The latest summary's folder, or an error saying this is not the output of a finished job. */
  public Path requireCurrent() {
    return current()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    root
                        + " holds no summary.json and no committed run (_log/v0001.json, ...): it"
                        + " is not the output of a finished job"));
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
    return parts(new Path(run, OutputLayout.RESULTS));
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
   * The Delta Lake table holding the current results ({@code results/} with a {@code _delta_log/}),
   * of a one-off job or of every run of an incremental one.
   */
  public Path resultsTable() {
    return new Path(root, OutputLayout.RESULTS);
  }

  /** Whether the results are a Delta Lake table ({@link #resultsTable}). */
  public boolean deltaTable() {
    return exists(new Path(resultsTable(), "_delta_log"));
  }

  /**
   * The format of the current results: Delta when they are a table, else the first live run's that
   * wrote any (JSON lines if none).
   */
  public DataFormat currentFormat() {
    if (deltaTable()) {
      return DataFormat.DELTA;
    }
    List<Path> folders = oneOff() ? List.of(root) : liveRuns().stream().map(Run::folder).toList();
    for (Path folder : folders) {
      Optional<DataFormat> format = resultsFormat(folder);
      if (format.isPresent()) {
        return format.get();
      }
    }
    return DataFormat.JSONL;
  }

  /** The ids a run processed, from its index. */
  public Set<String> indexIds(Run run) {
    Set<String> ids = new HashSet<>();
    for (Path part : parts(new Path(run.folder(), OutputLayout.INDEX))) {
      forEachLine(
          part,
          line -> {
            JsonNode entry = Json.MAPPER.readTree(line);
            ids.add(entry.get(OutputLayout.INDEX_ID).asText());
          });
    }
    return ids;
  }

  /** Copies the current results, as JSON lines, to {@code out}. */
  public void copyResultLines(OutputStream out) {
    copyResultLines(out, null);
  }

  /**
   * Copies the current results, as JSON lines, to {@code out}: every row of a one-off job, or per
   * id the row of the newest live run holding it (rows without an id only from the newest run,
   * which ran them again). Results in another format (Parquet, ORC) are refused: reading them needs
   * Spark.
   *
   * @param ids only rows with one of these ids, or null for all
   */
  public void copyResultLines(OutputStream out, Set<String> ids) {
    DataFormat format = currentFormat();
    if (format != DataFormat.JSONL) {
      throw new IllegalStateException(
          "the results are "
              + format.apiName()
              + " files, not JSON lines; read them with Spark (bin/backprop results does) or run"
              + " the job with output format jsonl");
    }
    if (oneOff()) {
      String idField = ids == null ? null : oneOffIdField();
      for (Path part : resultParts(requireCurrent())) {
        if (ids == null) {
          copyBytes(part, out);
        } else {
          copyLines(part, out, line -> ids.contains(idOf(line, idField)));
        }
      }
      return;
    }
    List<Run> live = liveRuns();
    if (live.isEmpty()) {
      requireCurrent();
    }
    // Ids a newer run processed replace older rows: the union of the newer runs' indexes.
    List<Set<String>> newer = new ArrayList<>();
    Set<String> replaced = new HashSet<>();
    for (int i = live.size() - 1; i >= 0; i--) {
      newer.add(0, Set.copyOf(replaced));
      if (i > 0) { // nothing is older than the oldest live run: its index (a snapshot's is full) is
        // not read
        replaced.addAll(indexIds(live.get(i)));
      }
    }
    for (int i = 0; i < live.size(); i++) {
      Run run = live.get(i);
      Set<String> superseded = newer.get(i);
      boolean newest = i == live.size() - 1;
      for (Path part : resultParts(run.folder())) {
        copyLines(
            part,
            out,
            line -> {
              String id = idOf(line, run.idField());
              if (id == null) {
                return newest && ids == null;
              }
              return !superseded.contains(id) && (ids == null || ids.contains(id));
            });
      }
    }
  }

  /** The current results as lines (small outputs: a task call's). */
  public List<String> resultLines() {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    copyResultLines(bytes);
    return bytes.toString(StandardCharsets.UTF_8).lines().filter(line -> !line.isBlank()).toList();
  }

  /**
   * The field or column holding the current rows' ids: the newest committed run's, or a one-off
   * job's from its summary ({@code id} when it names none).
   */
  public String idField() {
    if (!oneOff()) {
      List<Run> committed = committedRuns();
      return committed.isEmpty() ? "id" : committed.get(committed.size() - 1).idField();
    }
    return oneOffIdField();
  }

  /** A one-off job's id field, from its summary (request files: {@code id}). */
  private String oneOffIdField() {
    JsonNode summary;
    try {
      summary = Json.MAPPER.readTree(readText(new Path(root, OutputLayout.SUMMARY)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the summary in " + root, e);
    }
    JsonNode field = summary.path("id_field");
    return field.isTextual() ? field.asText() : "id";
  }

  /**
   * A top-level field of a JSON line as text (42 and "42" alike, as Spark reads ids); null when
   * absent, null or not JSON. Streams the line, skipping nested values such as vectors.
   */
  static String idOf(String line, String idField) {
    try (JsonParser parser = Json.MAPPER.getFactory().createParser(line)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      for (JsonToken token = parser.nextToken();
          token == JsonToken.FIELD_NAME;
          token = parser.nextToken()) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (name.equals(idField)) {
          return value.isScalarValue() && value != JsonToken.VALUE_NULL ? parser.getText() : null;
        }
        parser.skipChildren();
      }
      return null;
    } catch (IOException e) {
      return null;
    }
  }

  private void copyBytes(Path part, OutputStream out) {
    try (InputStream in = open(part)) {
      in.transferTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + part, e);
    }
  }

  private interface LineCheck {
    boolean keep(String line) throws IOException;
  }

  private void copyLines(Path part, OutputStream out, LineCheck check) {
    forEachLine(
        part,
        line -> {
          if (check.keep(line)) {
            out.write(line.getBytes(StandardCharsets.UTF_8));
            out.write('\n');
          }
        });
  }

  private interface LineAction {
    void accept(String line) throws IOException;
  }

  private void forEachLine(Path part, LineAction action) {
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(open(part), StandardCharsets.UTF_8), 1 << 16)) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (!line.isBlank()) {
          action.accept(line);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + part, e);
    }
  }

  /** A part file, decompressed when Spark wrote it compressed. */
  private InputStream open(Path part) throws IOException {
    InputStream in = fs.open(part);
    return part.getName().endsWith(".gz") ? new java.util.zip.GZIPInputStream(in) : in;
  }

  private List<Path> parts(Path folder) {
    if (!exists(folder)) {
      return List.of();
    }
    return Arrays.stream(list(folder))
        .map(FileStatus::getPath)
        .filter(path -> !path.getName().startsWith("_") && !path.getName().startsWith("."))
        .sorted(Comparator.comparing(Path::getName))
        .toList();
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
