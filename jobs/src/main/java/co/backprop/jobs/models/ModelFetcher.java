package co.backprop.jobs.models;

import co.backprop.contract.model.ModelCatalog.Artifact;
import co.backprop.contract.model.ModelCatalog.Download;
import co.backprop.contract.model.ModelStore;
import co.backprop.contract.task.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Installs a catalog artifact into the model store over HTTP(S). Files download into a staging
 * folder ({@code .partial} while incomplete, resumed with a Range request after a broken connection
 * or an interrupted run), are checked against the size and SHA-256 the catalog pins, and the folder
 * is moved into place only when every file is there: a half-installed model is never visible.
 */
public final class ModelFetcher {
  private static final int ATTEMPTS = 4;

  private final HttpClient client;
  private final PrintStream out;
  private final boolean terminal;
  private final Duration stallTimeout;

  public ModelFetcher(HttpClient client, PrintStream out, boolean terminal) {
    this(client, out, terminal, Duration.ofSeconds(60));
  }

  /**
   * @param stallTimeout how long a download may receive nothing before it is cut and resumed
   */
  public ModelFetcher(HttpClient client, PrintStream out, boolean terminal, Duration stallTimeout) {
    this.client = client;
    this.out = out;
    this.terminal = terminal;
    this.stallTimeout = stallTimeout;
  }

  public static HttpClient defaultClient() {
    return HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NORMAL)
        .connectTimeout(Duration.ofSeconds(30))
        .build();
  }

  /** Installs the artifact and returns its folder; an installed one is left alone unless forced. */
  public Path fetch(ModelStore store, String name, Artifact artifact, boolean force)
      throws IOException {
    if (!artifact.location().equals("store")) {
      throw new IllegalArgumentException(
          "artifact "
              + name
              + " is not fetched: it is at "
              + artifact.location()
              + " ("
              + artifact.install()
              + ")");
    }
    if (artifact.download().isEmpty()) {
      throw new IllegalArgumentException(
          "artifact " + name + " cannot be downloaded: " + artifact.install());
    }
    for (String file : artifact.files().values()) {
      if (!artifact.download().containsKey(file)) {
        throw new IllegalArgumentException(
            "the catalog gives no download for " + file + " of artifact " + name);
      }
    }
    Path target = store.folder(name);
    if (!force
        && artifact.files().values().stream()
            .allMatch(file -> Files.isRegularFile(target.resolve(file)))) {
      out.println(name + " is already installed in " + target + " (--force fetches it again)");
      return target;
    }
    Path staging = Files.createDirectories(store.staging(name));
    ObjectNode manifest = Json.MAPPER.createObjectNode().put("artifact", name);
    ObjectNode files = manifest.putObject("files");
    for (Map.Entry<String, Download> download : artifact.download().entrySet()) {
      Path file = staging.resolve(download.getKey());
      if (!Files.isRegularFile(file)) {
        download(download.getKey(), download.getValue(), file);
      }
      files
          .putObject(download.getKey())
          .put("url", download.getValue().url())
          .put("size", Files.size(file))
          .put("sha256", sha256(file));
    }
    manifest.put("fetched_at", Instant.now().toString());
    Files.writeString(staging.resolve("manifest.json"), manifest.toPrettyString());
    install(staging, target);
    out.println("installed " + name + " in " + target);
    return target;
  }

  /** Moves the complete staging folder into place in one rename, replacing an older copy. */
  private static void install(Path staging, Path target) throws IOException {
    if (Files.exists(target)) {
      Path old =
          target.resolveSibling(".replaced-" + target.getFileName() + "-" + System.nanoTime());
      Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
      deleteRecursively(old);
    }
    Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
  }

  private void download(String name, Download download, Path file) throws IOException {
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    IOException last = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        transfer(name, download, partial);
        last = null;
        break;
      } catch (IOException e) {
        last = e;
        out.println();
        out.println(
            name
                + ": "
                + e.getMessage()
                + (attempt < ATTEMPTS
                    ? "; resuming (attempt " + (attempt + 1) + " of " + ATTEMPTS + ")"
                    : ""));
        sleep(attempt);
      }
    }
    if (last != null) {
      throw new IOException(
          "could not download "
              + download.url()
              + " after "
              + ATTEMPTS
              + " attempts; run the fetch again to resume",
          last);
    }
    check(name, download, partial);
    Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
  }

  /** One GET, resuming from what the partial file holds when the server takes a Range request. */
  private void transfer(String name, Download download, Path partial) throws IOException {
    long have = Files.exists(partial) ? Files.size(partial) : 0;
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(download.url())).timeout(Duration.ofMinutes(2)).GET();
    if (have > 0) {
      request.header("Range", "bytes=" + have + "-");
    }
    HttpResponse<InputStream> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    int status = response.statusCode();
    if (status == 416 && download.size() != null && have == download.size()) {
      response.body().close();
      return; // already complete
    }
    boolean append = status == 206;
    if (status != 200 && status != 206) {
      response.body().close();
      throw new IOException("GET " + download.url() + " answered HTTP " + status);
    }
    long total =
        response.headers().firstValueAsLong("Content-Length").orElse(-1) + (append ? have : 0);
    if (!append) {
      have = 0;
    }
    Progress progress = new Progress(name, have, total);
    // The JDK client has no read timeout on a streamed body: a watchdog closes a stalled stream.
    ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(daemon());
    AtomicLong lastRead = new AtomicLong(System.nanoTime());
    try (InputStream in = response.body();
        OutputStream sink =
            Files.newOutputStream(
                partial,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
      long period = Math.max(stallTimeout.toMillis() / 4, 10);
      watchdog.scheduleAtFixedRate(
          () -> {
            if (System.nanoTime() - lastRead.get() > stallTimeout.toNanos()) {
              closeQuietly(in);
            }
          },
          period,
          period,
          TimeUnit.MILLISECONDS);
      byte[] buffer = new byte[1 << 16];
      for (int read; (read = in.read(buffer)) >= 0; ) {
        lastRead.set(System.nanoTime());
        sink.write(buffer, 0, read);
        progress.add(read);
      }
    } finally {
      watchdog.shutdownNow();
    }
    progress.done();
    if (total >= 0 && Files.size(partial) != total) {
      throw new IOException(
          "the connection closed after " + Files.size(partial) + " of " + total + " bytes");
    }
  }

  private static void check(String name, Download download, Path file) throws IOException {
    if (download.size() != null && Files.size(file) != download.size()) {
      long size = Files.size(file);
      Files.delete(file);
      throw new IOException(
          name + " is " + size + " bytes but the catalog says " + download.size() + "; deleted it");
    }
    if (download.sha256() != null) {
      String digest = sha256(file);
      if (!digest.equalsIgnoreCase(download.sha256())) {
        Files.delete(file);
        throw new IOException(
            "the SHA-256 of "
                + name
                + " is "
                + digest
                + " but the catalog pins "
                + download.sha256()
                + "; deleted it");
      }
    }
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int read; (read = in.read(buffer)) >= 0; ) {
        digest.update(buffer, 0, read);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ThreadFactory daemon() {
    return runnable -> {
      Thread thread = new Thread(runnable, "backprop-fetch-watchdog");
      thread.setDaemon(true);
      return thread;
    };
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException ignored) {
      // the reader sees the stream end or fail, which is the point
    }
  }

  private static void sleep(int attempt) {
    try {
      Thread.sleep(200L * attempt * attempt);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void deleteRecursively(Path folder) throws IOException {
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  /** A progress bar on a terminal, a line per tenth otherwise. */
  private final class Progress {
    private final String name;
    private final long total;
    private final long started = System.nanoTime();
    private final long resumedAt;
    private long done;
    private long lastPrint;
    private int lastTenth = -1;

    Progress(String name, long resumedAt, long total) {
      this.name = name;
      this.done = resumedAt;
      this.resumedAt = resumedAt;
      this.total = total;
      if (resumedAt > 0) {
        out.printf(Locale.ROOT, "%s: resuming at %s%n", name, megabytes(resumedAt));
      }
    }

    void add(int bytes) {
      done += bytes;
      long now = System.nanoTime();
      int tenth = total > 0 ? (int) (10 * done / total) : -1;
      if (terminal && now - lastPrint > 200_000_000L) {
        out.print("\r" + line());
        lastPrint = now;
      } else if (!terminal && tenth > lastTenth) {
        out.println(line());
        lastTenth = tenth;
      }
    }

    void done() {
      out.print((terminal ? "\r" : "") + line() + "\n");
    }

    private String line() {
      double seconds = Math.max((System.nanoTime() - started) / 1e9, 1e-3);
      String rate = megabytes((long) ((done - resumedAt) / seconds)) + "/s";
      if (total <= 0) {
        return String.format(Locale.ROOT, "%s: %s  %s", name, megabytes(done), rate);
      }
      int width = 30;
      int filled = (int) (width * done / total);
      return String.format(
          Locale.ROOT,
          "%s [%s%s] %s / %s (%d%%)  %s   ",
          name,
          "#".repeat(filled),
          " ".repeat(width - filled),
          megabytes(done),
          megabytes(total),
          100 * done / total,
          rate);
    }
  }

  public static String megabytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
  }
}
