package co.backprop.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;

import co.backprop.store.Store;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The web console in Debian's headless Chromium, against a real front door with a real worker
 * process: signing in with the keyboard, a job's progress moving to succeeded, cancelling a queued
 * job, its report, usage against the limit, uploading a model zip and watching it build, and what
 * another account sees. Screenshots of each page go to target/console/. The steps build on each
 * other, in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
  private static final Path SHOTS = Path.of("target/console");
  private static final int ROWS = 8000;

  private Path data;
  private FrontDoor frontDoor;
  private ApiClient api;
  private Chromium browser;
  private String base;
  private String acme;
  private String zeta;
  private String longJob;

  @BeforeAll
  void start() throws Exception {
    data = Files.createTempDirectory("backprop-console-browser-");
    TestFrontDoors.installFixtureModels(data);
    try (Store store = Store.forDataFolder(data, null)) {
      acme = store.accounts().create("acme");
      zeta = store.accounts().create("zeta");
    }
    List<String> worker = TestFrontDoors.workerCommand(data.toAbsolutePath(), null, "3s");
    frontDoor =
        FrontDoor.start(
            TestFrontDoors.builder(data, null, false, Map.of())
                .optWorkerCommand(worker)
                .optMaxBodyBytes(4 << 20)
                .optMaxUploadBytes(200_000)
                .build());
    api = new ApiClient(frontDoor.port());
    base = "http://127.0.0.1:" + frontDoor.port();
    browser = Chromium.start(data.resolve("chromium"));
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.close();
    }
    if (frontDoor != null) {
      frontDoor.close();
    }
  }

  private void shot(String name) throws IOException {
    browser.screenshot(SHOTS.resolve(name + ".png"));
  }

  /** Signs in through the form with the keyboard only: focus, type, Enter. */
  private void signInWithKeyboard(String key) {
    browser.navigate(base + "/console");
    browser.waitFor("!document.getElementById('sign-in-view').hidden", Duration.ofSeconds(10));
    browser.eval("document.getElementById('api-key').focus()");
    browser.type(key);
    browser.press("Enter");
  }

  @Test
  @Order(1)
  void aWrongKeyIsAnErrorAndARightOneAnHttpOnlyStrictSession() throws IOException {
    signInWithKeyboard("not-a-key");
    browser.waitFor(
        "document.getElementById('sign-in-error').textContent.length > 0", Duration.ofSeconds(10));
    assertThat(browser.text("#sign-in-error")).isEqualTo("api_key: unknown API key");
    // Not shown, not merely marked hidden: no section links before signing in.
    assertThat(browser.eval("getComputedStyle(document.getElementById('nav')).display").asText())
        .isEqualTo("none");
    shot("sign-in-error");
    // Every input has a label, so a screen reader names it.
    assertThat(
            browser
                .eval(
                    "[...document.querySelectorAll('input')].every(i =>"
                        + " document.querySelector('label[for=\"' + i.id + '\"]'))")
                .asBoolean())
        .isTrue();

    signInWithKeyboard(acme);
    browser.waitFor("document.body.dataset.loaded === '#/jobs'", Duration.ofSeconds(10));
    assertThat(browser.text("#account")).isEqualTo("acme");
    assertThat(browser.text("#no-jobs")).startsWith("no jobs yet");
    List<JsonNode> cookies = browser.cookies(base);
    assertThat(cookies).hasSize(1);
    assertThat(cookies.get(0).get("name").asText()).isEqualTo("backprop_session");
    assertThat(cookies.get(0).get("httpOnly").asBoolean()).isTrue();
    assertThat(cookies.get(0).get("sameSite").asText()).isEqualTo("Strict");
    assertThat(cookies.get(0).get("value").asText()).doesNotContain(acme);
    // The page's scripts cannot read it, and the key is not kept in the page.
    assertThat(browser.eval("document.cookie").asText()).doesNotContain("backprop_session");
    assertThat(browser.eval("document.getElementById('api-key').value").asText()).isEmpty();
  }

  private static String requests(int rows, boolean withBadRow) {
    StringBuilder body = new StringBuilder("{\"requests\": [");
    for (int i = 0; i < rows; i++) {
      body.append(i == 0 ? "" : ", ")
          .append("{\"id\": \"r")
          .append(i)
          .append("\", \"task\": \"text-vectorisation\", \"body\": {\"text\": \"sentence number ")
          .append(i)
          .append(" about batteries, screens and shipping\"}}");
    }
    if (withBadRow) {
      body.append(
          ", {\"id\": \"bad\", \"task\": \"text-vectorisation\", \"body\": {\"text\": 42}}");
    }
    return body.append("]}").toString();
  }

  @Test
  @Order(2)
  void aRunningJobsProgressMovesToSucceededAndAQueuedOneIsCancelled() throws Exception {
    longJob = api.post("/jobs", acme, requests(ROWS, false)).json().get("job_id").asText();
    String queued = api.post("/jobs", acme, requests(5, false)).json().get("job_id").asText();
    browser.navigate(base + "/console#/jobs");
    String row = "document.querySelector('tr[data-job=\"" + longJob + "\"]')";
    String other = "document.querySelector('tr[data-job=\"" + queued + "\"]')";
    browser.waitFor(
        other + " && " + other + ".dataset.status === 'queued'", Duration.ofSeconds(10));
    // One job at a time per account: the second waits while the first runs; cancel it by keyboard.
    browser.eval(other + ".querySelector('button.cancel').focus()");
    browser.press("Enter");
    browser.waitFor(
        other + " && " + other + ".dataset.status === 'cancelled'", Duration.ofSeconds(10));
    assertThat(api.get("/jobs/" + queued, acme).json().get("status").asText())
        .isEqualTo("cancelled");

    // The page updates itself: watch the long job's bar.
    List<Double> fractions = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    String status = "";
    boolean shotRunning = false;
    while (!status.equals("succeeded") && System.nanoTime() < deadline) {
      JsonNode seen =
          browser.eval(
              "(() => { const r = "
                  + row
                  + "; return r ? {status: r.dataset.status, fraction:"
                  + " Number(r.querySelector('progress').dataset.fraction), text:"
                  + " r.querySelector('.progress-text').textContent} : null; })()");
      if (!seen.isNull()) {
        status = seen.get("status").asText();
        double fraction = seen.get("fraction").asDouble();
        if (fractions.isEmpty() || fractions.get(fractions.size() - 1) != fraction) {
          fractions.add(fraction);
        }
        if (!shotRunning && fraction > 0 && fraction < 1) {
          assertThat(seen.get("text").asText()).endsWith(" / " + ROWS + " rows");
          shot("jobs-running");
          shotRunning = true;
        }
      }
      Thread.sleep(100);
    }
    assertThat(status).as("fractions seen: " + fractions).isEqualTo("succeeded");
    assertThat(fractions).as("the bar moved").anyMatch(f -> f > 0 && f < 1);
    assertThat(fractions).isSorted().last().isEqualTo(1.0);
    shot("jobs");
  }

  @Test
  @Order(3)
  void aJobsPageShowsItsSummaryErrorsAndResults() throws Exception {
    browser.navigate(base + "/console#/jobs/" + longJob);
    browser.waitFor("document.querySelector('#summary')", Duration.ofSeconds(10));
    assertThat(browser.text("[data-figure=rows]")).isEqualTo(String.valueOf(ROWS));
    assertThat(browser.text("[data-figure=error]")).isEqualTo("0");
    // The report's own wording for empty sections.
    assertThat(browser.text("#top-errors")).isEqualTo("no errors");
    assertThat(browser.text("#error-rows")).isEqualTo("no errors");
    JsonNode download =
        browser.eval(
            "fetch(document.getElementById('download').href).then(r => r.text().then(t =>"
                + " ({status: r.status, lines: t.split('\\n').filter(l => l).length})))");
    assertThat(download.get("status").asInt()).isEqualTo(200);
    assertThat(download.get("lines").asInt()).isEqualTo(ROWS);
    shot("job");

    String failing = api.post("/jobs", acme, requests(3, true)).json().get("job_id").asText();
    api.awaitJob(failing, acme, Duration.ofMinutes(2));
    browser.navigate(base + "/console#/jobs/" + failing);
    browser.waitFor("document.querySelector('table#error-rows')", Duration.ofSeconds(10));
    assertThat(browser.text("table#error-rows td")).isEqualTo("bad");
    assertThat(browser.text("table#top-errors")).contains("text:");
    shot("job-errors");
  }

  @Test
  @Order(4)
  void usageShowsThisMonthAgainstTheLimitAndEachDay() throws IOException {
    browser.navigate(base + "/console#/usage");
    browser.waitFor("document.body.dataset.loaded === '#/usage'", Duration.ofSeconds(10));
    JsonNode usage = api.get("/usage", acme).json();
    assertThat(usage.get("compute_seconds").asDouble()).isPositive();
    assertThat(browser.text("#usage-total"))
        .startsWith(
            String.format(
                java.util.Locale.ROOT,
                "%.2f of 1000 compute seconds used",
                usage.get("compute_seconds").asDouble()));
    assertThat(browser.eval("document.getElementById('usage-meter').value").asDouble())
        .isEqualTo(
            usage.get("compute_seconds").asDouble(), org.assertj.core.data.Offset.offset(1e-9));
    assertThat(browser.eval("document.querySelectorAll('#usage-days .day').length").asInt())
        .isEqualTo(1);
    assertThat(browser.text("#usage-by-model")).contains("text-vectorisation");
    assertThat(browser.eval("document.querySelectorAll('#usage-months tr').length").asInt())
        .isEqualTo(4); // a header and three earlier months
    shot("usage");
  }

  private static byte[] modelZip() throws IOException {
    String config =
        "{\"description\": \"joy, anger, sadness, neutral\", \"tasks\": [\"emotion\"],"
            + " \"problem_type\": \"multi_label_classification\", \"id2label\": {\"0\": \"joy\","
            + " \"1\": \"anger\", \"2\": \"sadness\", \"3\": \"neutral\"}}";
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (String file : List.of("model.onnx", "tokenizer.json")) {
        zip.putNextEntry(new ZipEntry(file));
        zip.write(TestFrontDoors.fixture("sequence-classification-tiny", file));
        zip.closeEntry();
      }
      zip.putNextEntry(new ZipEntry("config.json"));
      zip.write(config.getBytes());
      zip.closeEntry();
    }
    return bytes.toByteArray();
  }

  @Test
  @Order(5)
  void aZipUploadedThroughThePageBuilds() throws IOException {
    Path zip = data.resolve("moods.zip");
    Files.write(zip, modelZip());
    browser.navigate(base + "/console#/models");
    browser.waitFor("document.body.dataset.loaded === '#/models'", Duration.ofSeconds(10));
    assertThat(browser.text("#models")).contains("english");
    browser.eval("document.getElementById('model-name').value = 'moods'");
    browser.chooseFile("#model-zip", zip);
    browser.eval("document.querySelector('#upload button[type=submit]').click()");
    browser.waitFor(
        "document.getElementById('upload-result').textContent.startsWith('uploaded')",
        Duration.ofSeconds(20));
    assertThat(browser.text("#upload-result")).isEqualTo("uploaded moods: building");
    String row = "document.querySelector('tr[data-model=\"moods\"]')";
    browser.waitFor(row + " && " + row + ".dataset.build === 'success'", Duration.ofMinutes(2));
    assertThat(browser.text("tr[data-model=\"moods\"] .build-message"))
        .isEqualTo("loaded and answered a test request for emotion");
    shot("models");
    assertThat(api.get("/models/moods", acme).json().get("build_status").asText())
        .isEqualTo("success");
  }

  @Test
  @Order(6)
  void everyPageIsReadableAt360PixelsWide() throws IOException {
    browser.viewport(360, 740);
    try {
      for (String page : List.of("jobs", "usage", "models", "jobs/" + longJob)) {
        browser.navigate(base + "/console#/" + page);
        browser.waitFor(
            "document.body.dataset.loaded === '#/" + page + "'", Duration.ofSeconds(10));
        // The page itself never scrolls sideways; wide tables scroll in their own box.
        assertThat(browser.eval("document.documentElement.scrollWidth").asInt())
            .as(
                page
                    + ": wider than the screen: "
                    + browser.eval(
                        "[...document.querySelectorAll('body *')].filter(e =>"
                            + " e.getBoundingClientRect().right > 360).map(e => e.tagName + '#' +"
                            + " e.id + '.' + e.className).slice(0, 10).join(' ')"))
            .isLessThanOrEqualTo(360);
        shot("narrow-" + page.replace('/', '-'));
      }
    } finally {
      browser.viewport(0, 0);
    }
  }

  @Test
  @Order(7)
  void anUploadIsDeletedFromThePage() {
    browser.navigate(base + "/console#/models");
    browser.waitFor("document.querySelector('tr[data-model=\"moods\"]')", Duration.ofSeconds(10));
    browser.eval("window.confirm = () => true"); // the dialog's OK
    browser.eval("document.querySelector('tr[data-model=\"moods\"] button.danger').click()");
    browser.waitFor(
        "!document.querySelector('tr[data-model=\"moods\"]') && document.querySelector('#models')",
        Duration.ofSeconds(10));
    assertThat(api.get("/models/moods", acme).status()).isEqualTo(404);
  }

  @Test
  @Order(8)
  void anotherAccountSeesNotFoundForAJobThatIsNotItsOwn() throws IOException {
    browser.navigate(base + "/console#/jobs");
    browser.waitFor("!document.getElementById('nav').hidden", Duration.ofSeconds(10));
    browser.eval("document.getElementById('sign-out').click()");
    browser.waitFor("!document.getElementById('sign-in-view').hidden", Duration.ofSeconds(10));
    assertThat(browser.cookies(base)).isEmpty();
    assertThat(api.get("/jobs/" + longJob, zeta).status()).isEqualTo(404);

    signInWithKeyboard(zeta);
    browser.waitFor("document.body.dataset.loaded === '#/jobs'", Duration.ofSeconds(10));
    assertThat(browser.text("#no-jobs")).startsWith("no jobs yet");
    browser.navigate(base + "/console#/jobs/" + longJob);
    browser.waitFor("document.getElementById('not-found')", Duration.ofSeconds(10));
    assertThat(browser.text("#not-found")).isEqualTo("not found");
    assertThat(browser.eval("document.body.innerText").asText()).doesNotContain("succeeded");
    shot("not-found");
    // Nor can its session fetch the other account's results.
    assertThat(browser.eval("fetch('/jobs/" + longJob + "/results').then(r => r.status)").asInt())
        .isEqualTo(404);
  }
}
