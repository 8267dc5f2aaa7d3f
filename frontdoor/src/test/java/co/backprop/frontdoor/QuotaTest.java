package co.backprop.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import co.backprop.contract.usage.MonthlyLimit;
import co.backprop.contract.usage.UsageRow;
import co.backprop.store.Store;
import co.backprop.store.TestClock;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Monthly compute limits, enforced on every path: a job crossing the limit stops taking rows (the
 * rest are quota error rows) and bills no more than the limit plus the micro-batches running when
 * it was reached; the next call is 429 until the month rolls over.
 */
class QuotaTest {
  @TempDir Path data;

  private static String requests(int count) {
    return "{\"requests\": ["
        + IntStream.range(0, count)
            .mapToObj(
                i ->
                    "{\"id\": \"r"
                        + i
                        + "\", \"task\": \"text-vectorisation\", \"body\": {\"text\": \"sentence "
                        + i
                        + " about a product that arrived late and broken, and the refund that never"
                        + " came\"}}")
            .collect(Collectors.joining(", "))
        + "]}";
  }

  @Test
  void aJobCrossingTheLimitEndsInQuotaRowsAndTheNextCallIs429UntilTheMonthRollsOver() {
    double limit = 1.0;
    String key;
    try (Store store = Store.forDataFolder(data, null)) {
      key = store.accounts().create("tight", new MonthlyLimit(limit));
    }
    Instant now = Instant.now();
    TestClock clock = new TestClock(now);
    try (FrontDoor frontDoor =
        FrontDoor.start(
            TestFrontDoors.builder(data, null, true, Map.of()).optClock(clock).build())) {
      ApiClient api = new ApiClient(frontDoor.port());
      ApiClient.Answer submitted = api.post("/jobs", key, requests(3000));
      assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
      String id = submitted.json().get("job_id").asText();
      JsonNode job = api.awaitJob(id, key, Duration.ofMinutes(3));
      assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("succeeded");

      List<JsonNode> rows =
          api.get("/jobs/" + id + "/results", key)
              .body()
              .lines()
              .filter(l -> !l.isBlank())
              .map(l -> new ApiClient.Answer(200, l, null).json())
              .toList();
      assertThat(rows).hasSize(3000); // nothing lost: every row comes out
      List<JsonNode> ok = rows.stream().filter(r -> r.get("status").asText().equals("ok")).toList();
      List<JsonNode> quota =
          rows.stream().filter(r -> r.get("status").asText().equals("error")).toList();
      assertThat(ok).isNotEmpty();
      assertThat(quota).isNotEmpty();
      assertThat(quota)
          .allSatisfy(
              r ->
                  assertThat(r.get("error").asText())
                      .startsWith(
                          "quota: tight reached its monthly limit of 1 compute seconds in "
                              + YearMonth.now(ZoneOffset.UTC)));

      // Billed: at most the limit plus one micro-batch per task running when it was reached. A
      // micro-batch holds at most 64 rows, each billed its share, so 64 × the largest row bounds
      // it.
      double billed = ok.stream().mapToDouble(r -> r.get("compute_ms").asDouble()).sum() / 1000;
      double largestRow =
          ok.stream().mapToDouble(r -> r.get("compute_ms").asDouble()).max().orElseThrow() / 1000;
      int slots = 2; // the test worker runs local[2]
      assertThat(billed)
          .isGreaterThanOrEqualTo(limit)
          .isLessThanOrEqualTo(limit + slots * 64 * largestRow);
      JsonNode usage = api.get("/usage", key).json();
      assertThat(usage.get("compute_seconds").asDouble()).isCloseTo(billed, within(1e-3));
      assertThat(usage.get("limit_seconds").asDouble()).isEqualTo(limit);
      assertThat(usage.get("seconds_left").asDouble()).isZero();
      System.out.printf(
          "quota: %d rows ok, %d quota rows, billed %.3f s of a %.1f s limit (largest row %.4f"
              + " s)%n",
          ok.size(), quota.size(), billed, limit, largestRow);

      // At the limit: task calls and job submissions are 429, saying when it resets.
      ApiClient.Answer refused = api.post("/text-vectorisation", key, "{\"text\": \"one more\"}");
      assertThat(refused.status()).isEqualTo(429);
      assertThat(refused.json().get("message").asText())
          .startsWith("monthly limit reached: tight used ")
          .contains("of its 1 compute seconds in " + YearMonth.from(now.atZone(ZoneOffset.UTC)))
          .contains(
              "the limit resets at "
                  + YearMonth.from(now.atZone(ZoneOffset.UTC)).plusMonths(1).atDay(1)
                  + "T00:00:00Z");
      assertThat(api.post("/jobs", key, requests(1)).status()).isEqualTo(429);

      // A new month: the account may work again.
      clock.set(
          YearMonth.from(now.atZone(ZoneOffset.UTC))
              .plusMonths(1)
              .atDay(2)
              .atStartOfDay(ZoneOffset.UTC)
              .toInstant());
      assertThat(api.post("/jobs", key, requests(1)).status()).isEqualTo(202);
      assertThat(api.get("/usage", key).json().get("seconds_left").asDouble()).isEqualTo(limit);
    }
  }

  @Test
  void anAccountAtItsLimitIsRefusedAndUnlimitedOnesAreNot() {
    String tight;
    String free;
    String period = MonthlyLimit.period(Instant.now());
    try (Store store = Store.forDataFolder(data, null)) {
      tight = store.accounts().create("spent", new MonthlyLimit(5.0));
      free = store.accounts().create("bigco", MonthlyLimit.UNLIMITED);
      store
          .ledger()
          .record("earlier", List.of(new UsageRow("spent", period, "qa", "english", 10, 5.0)));
      store
          .ledger()
          .record("earlier", List.of(new UsageRow("bigco", period, "qa", "english", 10, 5000.0)));
    }
    try (FrontDoor frontDoor =
        FrontDoor.start(
            TestFrontDoors.builder(data, null, false, Map.of())
                .optSyncWait(Duration.ofMillis(200))
                .build())) {
      ApiClient api = new ApiClient(frontDoor.port());
      assertThat(api.post("/emotion", tight, "{\"text\": \"hi\"}").status()).isEqualTo(429);
      // A bad body is still a 400 naming its field, whatever the account's standing.
      assertThat(api.post("/emotion", tight, "{\"txt\": \"hi\"}").status()).isEqualTo(400);
      // No worker runs here: the unlimited account's call is queued and answered 202 after the
      // wait.
      assertThat(api.post("/emotion", free, "{\"text\": \"hi\"}").status()).isEqualTo(202);
      JsonNode usage = api.get("/usage", free).json();
      assertThat(usage.get("limit_seconds").isNull()).isTrue();
      assertThat(usage.get("compute_seconds").asDouble()).isEqualTo(5000.0);
    }
  }
}
