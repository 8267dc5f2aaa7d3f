package co.backprop.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;

import co.backprop.contract.usage.UsageRow;
import co.backprop.store.Store;
import co.backprop.store.TestClock;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The console's sign-in and the API it reads, over real HTTP without a browser: the session
 * cookie's flags, what a cookie may do, expiry and sign-out, the files served, the job list and
 * report kept to their account, usage by day. (ConsoleBrowserTest drives the page itself.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleSessionTest {
  private static final Instant START = Instant.parse("2026-12-03T10:00:00Z");

  private final TestClock clock = new TestClock(START);
  private Path data;
  private FrontDoor frontDoor;
  private ApiClient api;
  private String acme;
  private String zeta;

  @BeforeAll
  void start() throws IOException {
    data = Files.createTempDirectory("backprop-console-");
    try (Store store = Store.forDataFolder(data, null)) {
      acme = store.accounts().create("acme");
      zeta = store.accounts().create("zeta");
    }
    frontDoor =
        FrontDoor.start(
            TestFrontDoors.builder(data, null, false, Map.of()).optClock(clock).build());
    api = new ApiClient(frontDoor.port());
  }

  @AfterAll
  void stop() {
    frontDoor.close();
  }

  /** Signs in and returns the cookie pair to send back ({@code backprop_session=...}). */
  private String signIn(String key, String... headers) {
    ApiClient.Answer answer =
        api.post("/console/session", null, "{\"api_key\": \"" + key + "\"}", headers);
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    String setCookie = answer.headers().firstValue("set-cookie").orElseThrow();
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  private ApiClient.Answer withCookie(String method, String path, String cookie, String body) {
    return api.send(method, path, null, body, "cookie", cookie);
  }

  @Test
  void aKeyBecomesAnHttpOnlyStrictCookieThatReadsButNeedsTheConsoleHeaderToChange() {
    ApiClient.Answer answer = api.post("/console/session", null, "{\"api_key\": \"" + acme + "\"}");
    assertThat(answer.json().get("account").asText()).isEqualTo("acme");
    assertThat(answer.json().get("expires_at").asText())
        .isEqualTo(START.plus(Duration.ofHours(8)).toString());
    String setCookie = answer.headers().firstValue("set-cookie").orElseThrow();
    assertThat(setCookie)
        .startsWith("backprop_session=")
        .contains("; HttpOnly", "; SameSite=Strict", "; Path=/", "; Max-Age=28800")
        .doesNotContain(acme)
        .doesNotContain("Secure");
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    assertThat(cookie.length()).isGreaterThan("backprop_session=".length() + 40);

    ApiClient.Answer who = withCookie("GET", "/console/session", cookie, null);
    assertThat(who.status()).isEqualTo(200);
    assertThat(who.json().get("account").asText()).isEqualTo("acme");
    assertThat(withCookie("GET", "/jobs", cookie, null).status()).isEqualTo(200);

    // A change without the console's header is what a cross-site form would send: refused.
    String job = "{\"requests\": [{\"task\": \"emotion\", \"body\": {\"text\": \"hi\"}}]}";
    ApiClient.Answer forged = withCookie("POST", "/jobs", cookie, job);
    assertThat(forged.status()).isEqualTo(403);
    assertThat(forged.json().get("message").asText()).startsWith("x-requested-with:");
    ApiClient.Answer own =
        api.send(
            "POST", "/jobs", null, job, "cookie", cookie, "x-requested-with", "backprop-console");
    assertThat(own.status()).as(own.body()).isEqualTo(202);

    // Behind a TLS proxy the cookie is Secure.
    ApiClient.Answer https =
        api.post(
            "/console/session",
            null,
            "{\"api_key\": \"" + acme + "\"}",
            "X-Forwarded-Proto",
            "https");
    assertThat(https.headers().firstValue("set-cookie").orElseThrow()).contains("; Secure");
  }

  @Test
  void wrongKeysAndBadBodiesAreRefusedNamingTheField() {
    ApiClient.Answer wrong = api.post("/console/session", null, "{\"api_key\": \"nope\"}");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.json().get("message").asText()).isEqualTo("api_key: unknown API key");
    assertThat(wrong.headers().firstValue("set-cookie")).isEmpty();
    ApiClient.Answer missing = api.post("/console/session", null, "{}");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.json().get("message").asText()).startsWith("api_key: is required");
    ApiClient.Answer huge =
        api.post("/console/session", null, "{\"api_key\": \"" + "k".repeat(500) + "\"}");
    assertThat(huge.status()).isEqualTo(400);
    assertThat(api.post("/console/session", null, "{\"api_key\": ").status()).isEqualTo(400);
    ApiClient.Answer forged =
        withCookie("GET", "/jobs", "backprop_session=made-up-token-of-an-attacker", null);
    assertThat(forged.status()).isEqualTo(401);
    assertThat(forged.json().get("message").asText()).startsWith("session:");
    assertThat(api.get("/console/session", null).status()).isEqualTo(401);
  }

  @Test
  void signingOutOrWaitingEightHoursEndsTheSession() {
    String cookie = signIn(zeta);
    ApiClient.Answer out =
        api.send(
            "DELETE",
            "/console/session",
            null,
            null,
            "cookie",
            cookie,
            "x-requested-with",
            "backprop-console");
    assertThat(out.status()).isEqualTo(200);
    assertThat(out.headers().firstValue("set-cookie").orElseThrow()).contains("Max-Age=0");
    assertThat(withCookie("GET", "/jobs", cookie, null).status()).isEqualTo(401);

    String later = signIn(zeta);
    assertThat(withCookie("GET", "/usage", later, null).status()).isEqualTo(200);
    clock.advance(Duration.ofHours(8).plusSeconds(1));
    try {
      ApiClient.Answer expired = withCookie("GET", "/usage", later, null);
      assertThat(expired.status()).isEqualTo(401);
      assertThat(expired.json().get("message").asText())
          .isEqualTo("session: expired or signed out; sign in again");
    } finally {
      clock.set(START);
    }
  }

  @Test
  void onlyTheConsolesOwnFilesAreServedWithAStrictPolicy() {
    ApiClient.Answer page = api.get("/console", null);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.headers().firstValue("content-type").orElse("")).startsWith("text/html");
    assertThat(page.body()).contains("<input id=\"api-key\" name=\"api-key\" type=\"password\"");
    assertThat(page.headers().firstValue("content-security-policy").orElse(""))
        .contains("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'");
    assertThat(page.headers().firstValue("x-content-type-options")).contains("nosniff");
    ApiClient.Answer script = api.get("/console/console.js", null);
    assertThat(script.status()).isEqualTo(200);
    assertThat(script.headers().firstValue("content-type").orElse(""))
        .startsWith("text/javascript");
    for (String path :
        List.of(
            "/console/openapi.json",
            "/console/..%2Fopenapi.json",
            "/console/%2e%2e%2fpom.xml",
            "/console/ConsoleAssets.class")) {
      ApiClient.Answer refused = api.get(path, null);
      assertThat(refused.status()).as(path).isIn(400, 404);
      assertThat(refused.body()).as(path).doesNotContain("\"openapi\"").doesNotContain("<project");
    }
    // Deeper paths are not the page's: they need a key like any route.
    assertThat(api.get("/console/a/b", null).status()).isEqualTo(401);
  }

  @Test
  void theJobListAndReportsAreTheAccountsOwnNewestFirst() {
    String job = "{\"requests\": [{\"task\": \"emotion\", \"body\": {\"text\": \"%s\"}}]}";
    String first = api.post("/jobs", acme, job.formatted("one")).json().get("job_id").asText();
    clock.advance(Duration.ofSeconds(1));
    String second = api.post("/jobs", acme, job.formatted("two")).json().get("job_id").asText();
    clock.advance(Duration.ofSeconds(1));
    String theirs = api.post("/jobs", zeta, job.formatted("three")).json().get("job_id").asText();
    clock.set(START);

    JsonNode mine = api.get("/jobs?limit=200", acme).json().get("jobs");
    List<String> ids = new java.util.ArrayList<>();
    mine.forEach(j -> ids.add(j.get("job_id").asText()));
    assertThat(ids).contains(first, second).doesNotContain(theirs);
    assertThat(ids.indexOf(second)).isLessThan(ids.indexOf(first));
    assertThat(mine.get(ids.indexOf(second)).get("status").asText()).isEqualTo("queued");
    assertThat(api.get("/jobs?limit=1", acme).json().get("jobs")).hasSize(1);
    for (String limit : List.of("0", "201", "abc", "-1")) {
      ApiClient.Answer bad = api.get("/jobs?limit=" + limit, acme);
      assertThat(bad.status()).as(limit).isEqualTo(400);
      assertThat(bad.json().get("message").asText()).startsWith("limit: must be 1 to 200");
    }

    ApiClient.Answer report = api.get("/jobs/" + second + "/report", acme);
    assertThat(report.status()).isEqualTo(200);
    assertThat(report.json().get("summary").isNull()).isTrue();
    assertThat(report.json().at("/wording/no_errors").asText()).isEqualTo("no errors");
    assertThat(api.get("/jobs/" + theirs + "/report", acme).status()).isEqualTo(404);
    assertThat(api.get("/jobs/" + first + "/report", zeta).status()).isEqualTo(404);
  }

  @Test
  void usageComesByDayWithinTheMonth() {
    // Recorded through stores of their own clocks: two rows on the 1st, one on the 3rd.
    String url = Store.dataFolderUrl(data);
    try (Store dayOne = Store.open(url, new TestClock(Instant.parse("2026-12-01T23:59:00Z")));
        Store dayThree = Store.open(url, new TestClock(Instant.parse("2026-12-03T00:01:00Z")))) {
      dayOne.ledger().record("a", List.of(row(2.5), row(0.5)));
      dayThree.ledger().record("b", List.of(row(4.0)));
      dayThree.ledger().record("b", List.of(row(4.0))); // the same source again counts once
    }
    JsonNode usage = api.get("/usage?period=2026-12", acme).json();
    assertThat(usage.get("by_day").toString())
        .isEqualTo(
            "[{\"day\":\"2026-12-01\",\"compute_seconds\":3.0},"
                + "{\"day\":\"2026-12-03\",\"compute_seconds\":4.0}]");
    assertThat(usage.get("compute_seconds").asDouble()).isEqualTo(7.0);
    assertThat(api.get("/usage?period=2026-12", zeta).json().get("by_day")).isEmpty();
  }

  private static UsageRow row(double seconds) {
    return new UsageRow("acme", "2026-12", "emotion", "english-" + seconds, 1, seconds);
  }
}
