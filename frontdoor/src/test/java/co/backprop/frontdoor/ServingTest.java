package co.backprop.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import co.backprop.contract.serving.ServingWire;
import co.backprop.contract.usage.MonthlyLimit;
import co.backprop.store.ServingRegistry;
import co.backprop.store.Store;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Task calls answered by a warm serving process: the same answers as jobs give, each call its own
 * answer however calls are batched together, every call billed before it is answered, and a model
 * that cannot load is a 503, not a hang.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServingTest {
  private Path data;
  private FrontDoor frontDoor;
  private ApiClient api;
  private String key;

  @BeforeAll
  void start() throws IOException {
    data = Files.createTempDirectory("backprop-serving-");
    try (Store store = Store.forDataFolder(data, null)) {
      key = store.accounts().create("acme", MonthlyLimit.UNLIMITED);
    }
    // The QA model's file is damaged: it is there (the front door lets the call through) but cannot
    // load.
    Path qa = Files.createDirectories(data.resolve("models/distilbert-base-cased-distilled-squad"));
    for (String file : List.of("model.onnx", "tokenizer.json", "config.json")) {
      Files.writeString(qa.resolve(file), "not a model");
    }
    frontDoor =
        FrontDoor.start(
            TestFrontDoors.builder(data, null, true, Map.of())
                .optServingCommand(TestFrontDoors.servingCommand(data.toAbsolutePath(), null))
                .build());
    api = new ApiClient(frontDoor.port());
  }

  @AfterAll
  void stop() throws IOException {
    frontDoor.close();
  }

  private static String text(int words) {
    StringBuilder text = new StringBuilder("Sentence");
    for (int i = 0; i < words; i++) {
      text.append(' ')
          .append(
              List.of("about", "a", "parcel", "that", "arrived", "late", "and", "broken")
                  .get(i % 8));
    }
    return text.append('.').toString();
  }

  private JsonNode vector(ApiClient.Answer answer) {
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    return answer.json().get("vector");
  }

  private static void assertClose(JsonNode actual, JsonNode expected) {
    assertThat(actual).hasSize(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      assertThat(actual.get(i).asDouble()).isCloseTo(expected.get(i).asDouble(), within(1e-5));
    }
  }

  @Test
  void aCallAnsweredByTheServingProcessEqualsTheSameCallRunAsAJob() {
    String body = "{\"text\": \"The weather is lovely today.\"}";
    ApiClient.Answer served = api.post("/text-vectorisation", key, body);
    assertThat(
            served.headers().firstValue(co.backprop.frontdoor.http.TaskController.COMPUTE_HEADER))
        .isPresent();
    // An Idempotency-Key sends the call through the durable queue: a Spark job on the worker.
    ApiClient.Answer queued =
        api.post("/text-vectorisation", key, body, "Idempotency-Key", "same-as-a-job");
    assertClose(vector(served), vector(queued));
    // Batch bodies ride in the same batches, each item answered in order.
    ApiClient.Answer batch =
        api.post(
            "/text-vectorisation",
            key,
            "{\"text\": [\"The weather is lovely today.\", \"He drove to the stadium.\"]}");
    assertThat(batch.status()).isEqualTo(200);
    assertClose(batch.json().get("vectorList").get(0), vector(served));
  }

  @Test
  void concurrentCallsOfDifferentLengthsEachGetTheirOwnAnswerAndAreBilledWhatTheyComputed()
      throws Exception {
    int calls = 64;
    List<JsonNode> references = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      references.add(
          vector(api.post("/text-vectorisation", key, "{\"text\": \"" + text(i) + "\"}")));
    }
    double before = api.get("/usage", key).json().get("compute_seconds").asDouble();
    ExecutorService pool = Executors.newFixedThreadPool(calls);
    List<CompletableFuture<ApiClient.Answer>> answers = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      String body = "{\"text\": \"" + text(i) + "\"}";
      answers.add(
          CompletableFuture.supplyAsync(() -> api.post("/text-vectorisation", key, body), pool));
    }
    double billedMs = 0;
    for (int i = 0; i < calls; i++) {
      ApiClient.Answer answer = answers.get(i).get(2, TimeUnit.MINUTES);
      assertClose(
          vector(answer),
          references.get(i)); // its own text's vector, not a neighbour's in the batch
      billedMs +=
          Double.parseDouble(
              answer
                  .headers()
                  .firstValue(co.backprop.frontdoor.http.TaskController.COMPUTE_HEADER)
                  .orElseThrow());
    }
    pool.shutdown();
    // Every call was billed before it was answered: usage moved by exactly what the calls say.
    double after = api.get("/usage", key).json().get("compute_seconds").asDouble();
    assertThat(after - before).isCloseTo(billedMs / 1000, within(1e-6));
  }

  /**
   * Reaching the serving port is not being a front door: a caller that does not show the secret the
   * process announced in the store gets nothing computed (it would be billed to no one).
   */
  @Test
  void theServingPortAnswersOnlyCallersThatShowItsSecret() throws Exception {
    ServingRegistry.Process process =
        frontDoor.store().serving().live(Duration.ofMinutes(1)).get(0);
    assertThat(process.secret()).hasSizeGreaterThanOrEqualTo(40);
    String call =
        "{\"account\": \"acme\", \"task\": \"text-vectorisation\", \"body\": {\"text\":"
            + " \"hi\"}, \"deadlineMillis\": "
            + (System.currentTimeMillis() + 60_000)
            + "}";
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    for (String shown : Arrays.asList(null, "wrong", process.secret() + "x")) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(process.url() + "/call"))
              .POST(HttpRequest.BodyPublishers.ofString(call));
      if (shown != null) {
        request.header(ServingWire.SECRET, shown);
      }
      HttpResponse<String> answer =
          client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).as(String.valueOf(shown)).isEqualTo(403);
      assertThat(answer.headers().firstValue(ServingWire.STATUS)).isEmpty();
    }
    HttpResponse<String> admitted =
        client.send(
            HttpRequest.newBuilder(URI.create(process.url() + "/call"))
                .header(ServingWire.SECRET, process.secret())
                .POST(HttpRequest.BodyPublishers.ofString(call))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(admitted.statusCode()).isEqualTo(200);
    assertThat(admitted.headers().firstValue(ServingWire.STATUS)).contains("OK");
  }

  @Test
  void aModelThatCannotLoadIsA503SayingSo() {
    ApiClient.Answer answer =
        api.post("/qa", key, "{\"question\": \"What broke?\", \"context\": \"The parcel broke.\"}");
    assertThat(answer.status()).as(answer.body()).isEqualTo(503);
    assertThat(answer.json().get("message").asText())
        .startsWith("model: qa/english could not be loaded")
        .doesNotContain(data.toString());
    // The process goes on answering other models.
    assertThat(api.post("/emotion", key, "{\"text\": \"so glad\"}").status()).isEqualTo(200);
  }
}
