package co.backprop.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;

import co.backprop.contract.task.Json;
import co.backprop.contract.task.SeedDocument;
import co.backprop.contract.task.Task;
import co.backprop.contract.task.TaskBodyParser;
import co.backprop.contract.task.TaskResponse;
import co.backprop.store.Store;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The front door over real HTTP, with a real store and a real worker process running the Spark
 * pipeline: what any Backprop API client sees. Run on each store (SQLite, PostgreSQL).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FrontDoorContractTest {
  // Made here, not by @TempDir: one folder for the whole class, ready before @BeforeAll.
  private Path data;
  private FrontDoor frontDoor;
  private ApiClient api;
  private String acme;
  private String zeta;

  /** The JDBC URL of a new, empty store, or null for the data folder's SQLite file. */
  protected abstract String newStoreUrl(Path data);

  @BeforeAll
  void start() throws IOException {
    data = Files.createTempDirectory("backprop-frontdoor-");
    TestFrontDoors.installFixtureModels(data);
    String storeUrl = newStoreUrl(data);
    try (Store store = Store.forDataFolder(data, storeUrl)) {
      acme = store.accounts().create("acme");
      zeta = store.accounts().create("zeta");
    }
    frontDoor =
        FrontDoor.start(
            TestFrontDoors.builder(data, storeUrl, true, java.util.Map.of())
                .optMaxBodyBytes(256 * 1024)
                .optMaxUploadBytes(200_000)
                .optServingCommand(TestFrontDoors.servingCommand(data.toAbsolutePath(), storeUrl))
                .build());
    api = new ApiClient(frontDoor.port());
  }

  @AfterAll
  void stop() throws IOException {
    if (frontDoor != null) {
      frontDoor.close();
    }
    try (var paths = Files.walk(data)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  private static String png(Color color) throws IOException {
    BufferedImage image = new BufferedImage(48, 32, BufferedImage.TYPE_INT_RGB);
    Graphics2D graphics = image.createGraphics();
    graphics.setColor(color);
    graphics.fillRect(0, 0, 48, 32);
    graphics.dispose();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(image, "png", bytes);
    return "data:image/png;base64," + Base64.getEncoder().encodeToString(bytes.toByteArray());
  }

  /**
   * Same fields, same kinds of values (a list of numbers is a list of numbers, whatever its
   * length).
   */
  private static void assertSameShape(String where, JsonNode actual, JsonNode documented) {
    assertThat(actual.getNodeType())
        .as(where + " type of " + actual)
        .isEqualTo(documented.getNodeType());
    if (documented.isObject()) {
      boolean labelMap = true;
      for (Iterator<JsonNode> values = documented.elements(); values.hasNext(); ) {
        labelMap &= values.next().isNumber();
      }
      if (labelMap) {
        actual
            .elements()
            .forEachRemaining(
                value -> assertThat(value.isNumber()).as(where + " probabilities").isTrue());
        return;
      }
      Set<String> fields = new HashSet<>();
      documented.fieldNames().forEachRemaining(fields::add);
      Set<String> actualFields = new HashSet<>();
      actual.fieldNames().forEachRemaining(actualFields::add);
      assertThat(actualFields).as(where + " fields").isEqualTo(fields);
      fields.forEach(
          field -> assertSameShape(where + "." + field, actual.get(field), documented.get(field)));
    } else if (documented.isArray() && documented.size() > 0) {
      actual.forEach(element -> assertSameShape(where + "[]", element, documented.get(0)));
    }
  }

  @Test
  void everyExampleBodyOfTheSeedGetsTheDocumentedResponse() throws IOException {
    List<SeedDocument.Example> examples = SeedDocument.examples();
    List<JsonNode> sent = new ArrayList<>();
    int answered = 0;
    for (SeedDocument.Example body : examples) {
      if (!body.isBody() || sent.contains(body.json())) {
        continue;
      }
      sent.add(body.json());
      Task task = body.task();
      boolean batch = TaskBodyParser.parse(task, body.json()).batch();
      ApiClient.Answer answer = api.post("/" + task.apiName(), acme, body.json().toString());
      if (task == Task.IMAGE_CLASSIFICATION) {
        // The seed's example image is a cut-off PNG: a client sending it gets a 400 naming the
        // field.
        assertThat(answer.status()).as(body.source() + ": " + answer.body()).isEqualTo(400);
        assertThat(answer.json().get("message").asText()).startsWith("image: ");
        continue;
      }
      assertThat(answer.status()).as(body.source() + ": " + answer.body()).isEqualTo(200);
      JsonNode documented =
          examples.stream()
              .filter(
                  e ->
                      !e.isBody()
                          && e.task() == task
                          && TaskResponse.parse(task, e.json()).batch() == batch)
              .findFirst()
              .orElseThrow()
              .json();
      assertSameShape(body.source(), answer.json(), documented);
      TaskResponse parsed = TaskResponse.parse(task, answer.json());
      assertThat(parsed.outputs()).hasSize(TaskBodyParser.parse(task, body.json()).items().size());
      answered++;
    }
    assertThat(answered).isGreaterThanOrEqualTo(12);

    // The image task with a real image: probabilities of the body's labels summing to 1.
    ObjectNode image = Json.MAPPER.createObjectNode().put("image", png(Color.RED));
    image.putArray("labels").add("healthy brain").add("red");
    ApiClient.Answer classified = api.post("/image-classification", acme, image.toString());
    assertThat(classified.status()).as(classified.body()).isEqualTo(200);
    JsonNode probabilities = classified.json().get("probabilities");
    assertThat(probabilities.get("red").asDouble()).isGreaterThan(0.9);
    assertThat(probabilities.get("red").asDouble() + probabilities.get("healthy brain").asDouble())
        .isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-9));
  }

  @Test
  void anApiKeyIsNeededEverywhereButForTheOpenApiDocument() {
    String body = "{\"text\": \"hello\"}";
    ApiClient.Answer none = api.post("/text-vectorisation", null, body);
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.json().get("message").asText()).isEqualTo("x-api-key: an API key is required");
    ApiClient.Answer wrong = api.post("/text-vectorisation", "bp_not-a-key", body);
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.json().get("message").asText()).isEqualTo("x-api-key: unknown API key");
    assertThat(api.get("/jobs/job_x", null).status()).isEqualTo(401);
    assertThat(api.get("/usage", null).status()).isEqualTo(401);
    ApiClient.Answer document = api.get("/openapi.json", null);
    assertThat(document.status()).isEqualTo(200);
    assertThat(document.json().get("openapi").asText()).startsWith("3.");
  }

  @Test
  void theOpenApiDocumentDescribesEveryRoute() {
    JsonNode paths = api.get("/openapi.json", null).json().get("paths");
    for (String route : FrontDoor.ROUTES) {
      String[] parts = route.split(" ");
      assertThat(paths.path(parts[1]).has(parts[0].toLowerCase(java.util.Locale.ROOT)))
          .as(route)
          .isTrue();
    }
  }

  @Test
  void badBodiesAre400sThatNameTheField() {
    ApiClient.Answer noLabels = api.post("/text-classification", acme, "{\"text\": \"hello\"}");
    assertThat(noLabels.status()).isEqualTo(400);
    assertThat(noLabels.json().get("message").asText())
        .isEqualTo("labels: must be a non-empty list of strings but got nothing");
    ApiClient.Answer notJson = api.post("/emotion", acme, "{\"text\": ");
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(notJson.json().get("message").asText()).startsWith("body: not valid JSON");
    ApiClient.Answer badParameter =
        api.post("/text-generation", acme, "{\"text\": \"the\", \"top_p\": 2}");
    assertThat(badParameter.json().get("message").asText())
        .isEqualTo("top_p: must be in (0, 1] but got 2.0");
    ApiClient.Answer unknownModel =
        api.post("/qa", acme, "{\"question\": \"q\", \"context\": \"c\", \"model\": \"klingon\"}");
    assertThat(unknownModel.status()).isEqualTo(400);
    assertThat(unknownModel.json().get("message").asText())
        .isEqualTo("model: unknown model 'klingon' for qa; known models for qa: english");
    ApiClient.Answer tooBig =
        api.post("/text-vectorisation", acme, "{\"text\": \"" + "word ".repeat(60_000) + "\"}");
    assertThat(tooBig.status()).isEqualTo(413);
    assertThat(tooBig.json().has("message")).isTrue();
  }

  @Test
  void jobsRunInlineRequestsAndStreamTheirResults() throws IOException {
    String requests =
        "{\"requests\": [{\"id\": \"a\", \"task\": \"text-vectorisation\", \"body\": {\"text\":"
            + " \"one\"}}, {\"id\": \"b\", \"task\": \"emotion\", \"body\": {\"text\": [\"I hope"
            + " this works\", \"Thank you!\"]}}, {\"id\": \"c\", \"account\": \"zeta\", \"task\":"
            + " \"emotion\", \"body\": {\"text\": \"billed to someone else?\"}}]}";
    ApiClient.Answer submitted = api.post("/jobs", acme, requests, "Idempotency-Key", "nightly-1");
    assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
    String id = submitted.json().get("job_id").asText();
    assertThat(submitted.headers().firstValue("Location")).contains("/jobs/" + id);
    ApiClient.Answer retried = api.post("/jobs", acme, requests, "Idempotency-Key", "nightly-1");
    assertThat(retried.status()).isEqualTo(200);
    assertThat(retried.json().get("job_id").asText()).isEqualTo(id);

    JsonNode job = api.awaitJob(id, acme, Duration.ofMinutes(2));
    assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("succeeded");
    assertThat(job.at("/counts/total").asLong()).isEqualTo(3);
    assertThat(job.at("/counts/ok").asLong()).isEqualTo(3);
    assertThat(job.at("/counts/error").asLong()).isEqualTo(1);
    assertThat(job.at("/progress/fraction").asDouble()).isEqualTo(1.0);
    assertThat(job.get("compute_seconds").asDouble()).isPositive();

    ApiClient.Answer results = api.get("/jobs/" + id + "/results", acme);
    assertThat(results.status()).isEqualTo(200);
    assertThat(results.headers().firstValue("content-type").orElse(""))
        .startsWith("application/x-ndjson");
    List<String> lines = results.body().lines().filter(l -> !l.isBlank()).toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(3))
        .contains("account: this job's requests are billed to 'acme'; the line names 'zeta'");

    // Another account sees none of it.
    assertThat(api.get("/jobs/" + id, zeta).status()).isEqualTo(404);
    assertThat(api.get("/jobs/" + id + "/results", zeta).status()).isEqualTo(404);
    assertThat(api.send("DELETE", "/jobs/" + id, zeta, null).status()).isEqualTo(404);

    // The worker billed the run under the same source `usage import` uses: importing it adds
    // nothing.
    String output = frontDoor.store().queue().job(id).orElseThrow().results();
    co.backprop.frontdoor.usage.UsageImport.Imported imported =
        co.backprop.frontdoor.usage.UsageImport.of(
                frontDoor.store().ledger(), output, new org.apache.hadoop.conf.Configuration())
            .get(0);
    assertThat(imported.rows()).isEqualTo(2); // emotion and text-vectorisation for acme
    assertThat(imported.alreadyCounted()).isEqualTo(2);

    JsonNode usage = api.get("/usage", acme).json();
    assertThat(usage.get("compute_seconds").asDouble()).isPositive();
    assertThat(usage.get("limit_seconds").asDouble()).isEqualTo(1000); // the free tier
    assertThat(usage.get("seconds_left").asDouble())
        .isEqualTo(1000 - usage.get("compute_seconds").asDouble());
    assertThat(usage.get("by_task_model").findValuesAsText("task"))
        .contains("emotion", "text-vectorisation");
  }

  @Test
  void aJobThatFailsOnTheWorkerSaysSoWithoutItsInternals() throws IOException {
    // Not gzip, though it says so: Spark's reader fails deep inside, with its classes and stack.
    Files.createDirectories(data.resolve("files/acme"));
    Files.write(data.resolve("files/acme/broken.jsonl.gz"), "not gzip at all".getBytes());
    ApiClient.Answer submitted = api.post("/jobs", acme, "{\"input\": \"broken.jsonl.gz\"}");
    assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
    JsonNode job =
        api.awaitJob(submitted.json().get("job_id").asText(), acme, Duration.ofMinutes(2));
    assertThat(job.get("status").asText()).isEqualTo("failed");
    assertThat(job.get("message").asText())
        .startsWith("the job failed on the worker (job_")
        .doesNotContain("Exception")
        .doesNotContain(data.toString())
        .doesNotContain("\tat ");
  }

  @Test
  void jobInputsMustStayInsideTheAccountsFiles() {
    ApiClient.Answer outside =
        api.post("/jobs", acme, "{\"task\": \"text-vectorisation\", \"input\": \"/etc/passwd\"}");
    assertThat(outside.status()).isEqualTo(403);
    assertThat(outside.json().get("message").asText())
        .isEqualTo(
            "input: '/etc/passwd' is not a location you may read: give a path inside your files"
                + " folder (relative paths are), or one granted to you");
    ApiClient.Answer both = api.post("/jobs", acme, "{\"requests\": [{}], \"input\": \"x\"}");
    assertThat(both.json().get("message").asText()).startsWith("input: give either input");
  }

  private static byte[] zip(String... namesAndFiles) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (int i = 0; i < namesAndFiles.length; i += 2) {
        zip.putNextEntry(new ZipEntry(namesAndFiles[i]));
        zip.write(
            namesAndFiles[i + 1].startsWith("fixture:")
                ? TestFrontDoors.fixture(
                    "sequence-classification-tiny", namesAndFiles[i + 1].substring(8))
                : namesAndFiles[i + 1].getBytes());
        zip.closeEntry();
      }
    }
    return bytes.toByteArray();
  }

  private String uploadUrl(String name) {
    ApiClient.Answer answer = api.post("/upload-url", acme, "{\"model_name\": \"" + name + "\"}");
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    return answer.json().asText();
  }

  /** Uploads the emotion fixture as acme's "moods" with these labels, and waits for its build. */
  private JsonNode uploadMoods(String labels) throws Exception {
    String[] names = labels.split(", ");
    String config =
        "{\"description\": \""
            + labels
            + "\", \"tasks\": [\"emotion\", \"text-classification\"], \"problem_type\":"
            + " \"multi_label_classification\", \"id2label\": {\"0\": \""
            + names[0]
            + "\", \"1\": \""
            + names[1]
            + "\", \"2\": \""
            + names[2]
            + "\", \"3\": \""
            + names[3]
            + "\"}}";
    ApiClient.Answer uploaded =
        api.put(
            uploadUrl("moods"),
            zip(
                "model.onnx",
                "fixture:model.onnx",
                "tokenizer.json",
                "fixture:tokenizer.json",
                "config.json",
                config));
    assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(200);
    assertThat(uploaded.json().get("build_status").asText()).isEqualTo("building");

    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    JsonNode model;
    do {
      Thread.sleep(200);
      model = api.get("/models/moods", acme).json();
    } while (model.get("build_status").asText().equals("building") && System.nanoTime() < deadline);
    assertThat(model.get("build_status").asText()).as(model.toString()).isEqualTo("success");
    return model;
  }

  @Test
  void anUploadedModelIsBuiltAndThenAnswersForItsAccountOnly() throws Exception {
    // A call first, so that the serving process has read acme's uploads (none) just before.
    assertThat(api.post("/emotion", acme, "{\"text\": \"happy\"}").status()).isEqualTo(200);
    JsonNode model = uploadMoods("joy, anger, sadness, neutral");
    assertThat(model.get("build_message").asText())
        .isEqualTo("loaded and answered a test request for emotion, text-classification");
    assertThat(model.get("tasks"))
        .extracting(JsonNode::asText)
        .containsExactly("emotion", "text-classification");
    // Its files are the account's, through the API: no server path in sight.
    assertThat(model.get("model_url").asText()).isEqualTo("/models/moods/files/model.onnx");
    assertThat(model.toString()).doesNotContain(data.toString()).doesNotContain("file:");
    ApiClient.Answer file = api.get(model.get("config_url").asText(), acme);
    assertThat(file.status()).isEqualTo(200);
    assertThat(file.json().get("id2label").get("0").asText()).isEqualTo("joy");
    assertThat(api.get("/models/moods/files/config.json", zeta).status()).isEqualTo(404);
    assertThat(api.get("/models/moods/files/..%2F..%2Fbackprop.db", acme).status()).isEqualTo(404);

    ApiClient.Answer emotion =
        api.post("/emotion", acme, "{\"text\": \"happy and sad\", \"model\": \"moods\"}");
    assertThat(emotion.status()).as(emotion.body()).isEqualTo(200);
    assertThat(emotion.json().get("output").asText()).isEqualTo("joy, sadness");
    assertThat(
            api.post("/emotion", zeta, "{\"text\": \"happy\", \"model\": \"moods\"}")
                .json()
                .get("message")
                .asText())
        .startsWith("model: unknown model 'moods' for emotion");
    ApiClient.Answer hidden = api.get("/models/moods", zeta);
    assertThat(hidden.status()).isEqualTo(404);
    assertThat(hidden.json().asText()).isEqualTo("model moods not found");
    JsonNode listed = api.get("/models?include_global=true", acme).json();
    assertThat(listed.findValuesAsText("name")).contains("moods", "english", "gpt2-large");
    assertThat(api.get("/models", zeta).json()).isEmpty();

    // Uploaded again with other labels: the new upload answers at once, and the old files go.
    uploadMoods("delight, fury, sorrow, calm");
    ApiClient.Answer relabelled =
        api.post("/emotion", acme, "{\"text\": \"happy and sad\", \"model\": \"moods\"}");
    assertThat(relabelled.status()).as(relabelled.body()).isEqualTo(200);
    assertThat(relabelled.json().get("output").asText()).isEqualTo("delight, sorrow");
    try (var uploads = Files.list(data.resolve("user-models/acme/moods"))) {
      assertThat(uploads).hasSize(1);
    }

    assertThat(api.send("DELETE", "/models/moods", acme, null).status()).isEqualTo(200);
    assertThat(api.get("/models/moods", acme).status()).isEqualTo(404);
    assertThat(data.resolve("user-models/acme/moods")).doesNotExist();
  }

  @Test
  void badZipsAreRefusedWithABuildMessageAndLeaveNothingOnDisk() throws Exception {
    String config = "{\"description\": \"x\", \"tasks\": [\"emotion\"]}";
    String[][] cases = {
      {
        "paths",
        "the zip must hold its files at the top level, without folders or paths; it has"
            + " '../model.onnx'"
      },
      {
        "extra",
        "the zip holds 'notes.txt'; it must hold exactly model.onnx (or model.pt), config.json and"
            + " tokenizer.json"
      },
      {
        "missing",
        "the zip lacks tokenizer.json; it must hold exactly model.onnx (or model.pt), config.json"
            + " and tokenizer.json"
      },
      {
        "bad-config",
        "config.json: tasks must be a non-empty list of task names (text-vectorisation, qa,"
            + " text-classification, image-classification, text-generation, summarisation, emotion)"
      },
    };
    byte[][] zips = {
      zip("../model.onnx", "x", "tokenizer.json", "{}", "config.json", config),
      zip("model.onnx", "x", "tokenizer.json", "{}", "config.json", config, "notes.txt", "hello"),
      zip("model.onnx", "x", "config.json", config),
      zip("model.onnx", "x", "tokenizer.json", "{}", "config.json", "{\"description\": \"x\"}"),
    };
    for (int i = 0; i < cases.length; i++) {
      String name = "bad-" + cases[i][0];
      ApiClient.Answer answer = api.put(uploadUrl(name), zips[i]);
      assertThat(answer.status()).as(answer.body()).isEqualTo(400);
      JsonNode model = api.get("/models/" + name, acme).json();
      assertThat(model.get("build_status").asText()).isEqualTo("fail");
      assertThat(model.get("build_message").asText()).isEqualTo(cases[i][1]);
      assertThat(data.resolve("user-models/acme/" + name)).doesNotExist();
    }
    // The server answers 413 as soon as the upload passes the limit and closes the connection; a
    // client still sending may see that close before the answer. Either way it must be refused.
    String tooLargeUrl = uploadUrl("too-large");
    try {
      assertThat(api.put(tooLargeUrl, new byte[300_000]).status()).isEqualTo(413);
    } catch (AssertionError e) {
      assertThat(e)
          .hasMessage("PUT " + tooLargeUrl + " failed")
          .hasRootCauseInstanceOf(IOException.class);
    }
    try (var leftovers = Files.list(data.resolve("uploads"))) {
      assertThat(leftovers).isEmpty();
    }
    assertThat(
            api.post("/upload-url", acme, "{\"model_name\": \"No Spaces\"}")
                .json()
                .get("message")
                .asText())
        .startsWith("model_name: must be 3-100 characters of lowercase ascii");
    assertThat(api.put(uploadUrl("empty"), new byte[0]).json().get("message").asText())
        .startsWith("the upload is not a zip file");
  }
}
