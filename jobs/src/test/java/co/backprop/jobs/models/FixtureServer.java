package co.backprop.jobs.models;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real HTTP server on a loopback port serving files as a model hub does: 200 with the whole file,
 * or 206 for a {@code Range: bytes=N-} request. It can be told to break a connection midway or to
 * fail a file, and it records every request.
 */
public final class FixtureServer implements AutoCloseable {
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

  record Request(String path, String range) {}

  private final HttpServer server;
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();
  private final Map<String, Integer> breakAfter = new ConcurrentHashMap<>();
  private final Map<String, Integer> failWith = new ConcurrentHashMap<>();
  final List<Request> requests = new CopyOnWriteArrayList<>();

  public FixtureServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::serve);
    server.start();
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  public FixtureServer serve(String path, byte[] content) {
    files.put(path, content);
    return this;
  }

  /**
   * The next response for this path sends its headers and only this many bytes, then nothing more
   * on that connection: a stalled download, which the client must notice.
   */
  FixtureServer breakOnceAfter(String path, int bytes) {
    breakAfter.put(path, bytes);
    return this;
  }

  FixtureServer failWith(String path, int status) {
    failWith.put(path, status);
    return this;
  }

  private void serve(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String range = exchange.getRequestHeaders().getFirst("Range");
    requests.add(new Request(path, range));
    byte[] content = files.get(path);
    Integer failure = failWith.get(path);
    if (content == null || failure != null) {
      exchange.sendResponseHeaders(failure != null ? failure : 404, -1);
      exchange.close();
      return;
    }
    int from = 0;
    if (range != null) {
      Matcher matcher = RANGE.matcher(range);
      if (matcher.matches()) {
        from = Integer.parseInt(matcher.group(1));
      }
    }
    int length = content.length - from;
    if (from > 0) {
      exchange
          .getResponseHeaders()
          .add(
              "Content-Range", "bytes " + from + "-" + (content.length - 1) + "/" + content.length);
    }
    Integer cut = breakAfter.remove(path);
    exchange.sendResponseHeaders(from > 0 ? 206 : 200, length);
    // Closing a fixed-length body short of its length leaves the client waiting for the rest.
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(content, from, cut == null ? length : Math.min(cut, length));
    } catch (IOException shortBody) {
      // expected when cut
    } finally {
      exchange.close();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
