package co.backprop.frontdoor;

import co.backprop.contract.task.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Debian's headless Chromium driven over the Chrome DevTools Protocol (a WebSocket, JDK's client;
 * JSON, Jackson): navigate, run script in the page, type and press keys, pick a file, emulate a
 * narrow screen, read cookies, take screenshots. One page per browser.
 */
final class Chromium implements AutoCloseable {
  private final Process process;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

  /** The page's script errors and console messages, for a failing wait to show. */
  private final List<String> messages = java.util.Collections.synchronizedList(new ArrayList<>());

  private Chromium(Process process, WebSocket socket) {
    this.process = process;
    this.socket = socket;
  }

  static Chromium start(Path profile) throws Exception {
    Files.createDirectories(profile);
    Process process =
        new ProcessBuilder(
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--remote-debugging-port=0",
                "--user-data-dir=" + profile,
                "--window-size=1280,900",
                "about:blank")
            .redirectErrorStream(true)
            .redirectOutput(profile.resolve("chromium.log").toFile())
            .start();
    // Chromium writes the port it chose into the profile folder.
    Path portFile = profile.resolve("DevToolsActivePort");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(portFile) || Files.readAllLines(portFile).isEmpty()) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        process.destroyForcibly();
        throw new IllegalStateException(
            "chromium did not start: " + Files.readString(profile.resolve("chromium.log")));
      }
      Thread.sleep(100);
    }
    int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
    HttpClient http = HttpClient.newHttpClient();
    String page = null;
    while (page == null) {
      HttpResponse<String> targets =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
              HttpResponse.BodyHandlers.ofString());
      for (JsonNode target : Json.MAPPER.readTree(targets.body())) {
        if (target.path("type").asText().equals("page")) {
          page = target.path("webSocketDebuggerUrl").asText();
        }
      }
      if (page == null) {
        Thread.sleep(100);
      }
    }
    Chromium[] self = new Chromium[1];
    WebSocket socket =
        http.newWebSocketBuilder()
            .buildAsync(URI.create(page), new Listener(self))
            .get(30, TimeUnit.SECONDS);
    self[0] = new Chromium(process, socket);
    self[0].call("Page.enable", Json.MAPPER.createObjectNode());
    self[0].call("Network.enable", Json.MAPPER.createObjectNode());
    self[0].call("Runtime.enable", Json.MAPPER.createObjectNode());
    self[0].call("Log.enable", Json.MAPPER.createObjectNode());
    return self[0];
  }

  /** Collects a message's parts and completes the call it answers; events are ignored. */
  private static final class Listener implements WebSocket.Listener {
    private final Chromium[] owner;
    private final StringBuilder message = new StringBuilder();

    Listener(Chromium[] owner) {
      this.owner = owner;
    }

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      message.append(data);
      if (last) {
        try {
          JsonNode answer = Json.MAPPER.readTree(message.toString());
          if (answer.has("id") && owner[0] != null) {
            CompletableFuture<JsonNode> call = owner[0].pending.remove(answer.get("id").asInt());
            if (call != null) {
              call.complete(answer);
            }
          } else if (owner[0] != null) {
            owner[0].event(answer);
          }
        } catch (IOException e) {
          // not JSON: nothing waits for it
        }
        message.setLength(0);
      }
      socket.request(1);
      return null;
    }
  }

  private void event(JsonNode event) {
    String method = event.path("method").asText();
    if (method.equals("Runtime.exceptionThrown")) {
      messages.add("exception: " + event.at("/params/exceptionDetails/exception/description"));
    } else if (method.equals("Runtime.consoleAPICalled")) {
      messages.add(
          "console." + event.at("/params/type").asText() + ": " + event.at("/params/args"));
    } else if (method.equals("Log.entryAdded")) {
      messages.add("log: " + event.at("/params/entry/text").asText());
    }
  }

  JsonNode call(String method, ObjectNode params) {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    ObjectNode request = Json.MAPPER.createObjectNode().put("id", id).put("method", method);
    request.set("params", params);
    socket.sendText(request.toString(), true).join();
    JsonNode response;
    try {
      response = answer.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(method + " had no answer from chromium", e);
    }
    if (response.has("error")) {
      throw new AssertionError(method + " failed: " + response.get("error"));
    }
    return response.path("result");
  }

  /** The value of a script run in the page (a promise is awaited). */
  JsonNode eval(String expression) {
    ObjectNode params =
        Json.MAPPER
            .createObjectNode()
            .put("expression", expression)
            .put("returnByValue", true)
            .put("awaitPromise", true);
    JsonNode result = call("Runtime.evaluate", params);
    if (result.has("exceptionDetails")) {
      throw new AssertionError(expression + " threw: " + result.get("exceptionDetails"));
    }
    return result.path("result").path("value");
  }

  String text(String selector) {
    return eval("(() => { const e = document.querySelector("
            + Json.MAPPER.getNodeFactory().textNode(selector)
            + "); return e ? e.textContent : null; })()")
        .asText(null);
  }

  void navigate(String url) {
    call("Page.navigate", Json.MAPPER.createObjectNode().put("url", url));
    waitFor("document.readyState === 'complete'", Duration.ofSeconds(30));
  }

  /** Waits until the script is true in the page; the error shows what the page says instead. */
  void waitFor(String condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      JsonNode value;
      try {
        value = eval("Boolean(" + condition + ")");
      } catch (AssertionError e) {
        value = null; // the page is between documents
      }
      if (value != null && value.asBoolean()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "waited "
                + timeout.toSeconds()
                + " s for "
                + condition
                + "; the page says: "
                + eval("document.body ? document.body.innerText : ''").asText()
                + "; at "
                + eval("location.href").asText()
                + "; its messages: "
                + messages);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** Types text into the focused element, as a keyboard does. */
  void type(String text) {
    call("Input.insertText", Json.MAPPER.createObjectNode().put("text", text));
  }

  /** Presses and releases a key on the focused element: Enter, Tab, Space. */
  void press(String key) {
    int code =
        switch (key) {
          case "Enter" -> 13;
          case "Tab" -> 9;
          case " " -> 32;
          default -> throw new IllegalArgumentException(key);
        };
    ObjectNode down =
        Json.MAPPER
            .createObjectNode()
            .put("type", "keyDown")
            .put("key", key)
            .put("code", key.equals(" ") ? "Space" : key)
            .put("windowsVirtualKeyCode", code)
            .put("nativeVirtualKeyCode", code);
    if (key.equals("Enter")) {
      down.put("text", "\r");
    } else if (key.equals(" ")) {
      down.put("text", " ");
    }
    call("Input.dispatchKeyEvent", down);
    call("Input.dispatchKeyEvent", down.deepCopy().put("type", "keyUp").without("text"));
  }

  /** Puts a file in the page's file input, as the file picker would. */
  void chooseFile(String selector, Path file) {
    int root = call("DOM.getDocument", Json.MAPPER.createObjectNode()).at("/root/nodeId").asInt();
    int node =
        call(
                "DOM.querySelector",
                Json.MAPPER.createObjectNode().put("nodeId", root).put("selector", selector))
            .path("nodeId")
            .asInt();
    ObjectNode params = Json.MAPPER.createObjectNode().put("nodeId", node);
    params.putArray("files").add(file.toAbsolutePath().toString());
    call("DOM.setFileInputFiles", params);
  }

  /** A phone-sized screen (or back to the window's size with 0). */
  void viewport(int width, int height) {
    if (width == 0) {
      call("Emulation.clearDeviceMetricsOverride", Json.MAPPER.createObjectNode());
      return;
    }
    call(
        "Emulation.setDeviceMetricsOverride",
        Json.MAPPER
            .createObjectNode()
            .put("width", width)
            .put("height", height)
            .put("deviceScaleFactor", 1)
            .put("mobile", true));
  }

  /** The browser's cookies for this URL, as CDP describes them (httpOnly, sameSite, ...). */
  List<JsonNode> cookies(String url) {
    ObjectNode params = Json.MAPPER.createObjectNode();
    params.putArray("urls").add(url);
    List<JsonNode> cookies = new java.util.ArrayList<>();
    call("Network.getCookies", params).path("cookies").forEach(cookies::add);
    return cookies;
  }

  void screenshot(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    String png =
        call(
                "Page.captureScreenshot",
                Json.MAPPER
                    .createObjectNode()
                    .put("format", "png")
                    .put("captureBeyondViewport", true))
            .path("data")
            .asText();
    Files.write(file, Base64.getDecoder().decode(png));
  }

  @Override
  public void close() {
    try {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the browser goes anyway
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
