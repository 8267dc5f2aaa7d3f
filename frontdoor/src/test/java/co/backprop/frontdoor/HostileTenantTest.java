package co.backprop.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;

import co.backprop.contract.account.Grant;
import co.backprop.contract.usage.MonthlyLimit;
import co.backprop.store.Store;
import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Tenant A attacks tenant B through the API, every way the issue tried it, and is refused each time
 * without learning whether what it asked for exists. No worker runs: every refusal happens before a
 * job is queued.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileTenantTest {
  private Path data;
  private FrontDoor frontDoor;
  private ApiClient api;
  private String acme;
  private String zeta;
  private String omega;
  private String racer;
  private String crowd;
  private String rebuilder;

  @BeforeAll
  void start() throws IOException {
    data = Files.createTempDirectory("backprop-hostile-");
    try (Store store = Store.forDataFolder(data, null)) {
      acme = store.accounts().create("acme", MonthlyLimit.UNLIMITED);
      zeta = store.accounts().create("zeta");
      omega = store.accounts().create("omega");
      racer = store.accounts().create("racer");
      crowd = store.accounts().create("crowd");
      rebuilder = store.accounts().create("rebuilder");
      store.accounts().grant("acme", new Grant("s3a://shared/acme-in/", true));
      store.accounts().grant("acme", new Grant("s3a://shared/acme-out/", false));
    }
    // B's files and B's results, as B's jobs left them.
    Path zetaFiles = Files.createDirectories(data.resolve("files/zeta/out/results"));
    Files.writeString(
        zetaFiles.resolve("part-00000.txt"), "{\"id\": \"secret\", \"vector\": [1, 2]}\n");
    Files.writeString(
        data.resolve("files/zeta/products.jsonl"), "{\"text\": \"zeta's catalogue\"}\n");
    Path acmeFiles = Files.createDirectories(data.resolve("files/acme"));
    Files.writeString(acmeFiles.resolve("mine.jsonl"), "{\"text\": \"acme's own\"}\n");
    Files.createSymbolicLink(acmeFiles.resolve("sneaky"), data.resolve("files/zeta"));
    frontDoor =
        FrontDoor.start(
            TestFrontDoors.builder(data, null, false, java.util.Map.of())
                .optMaxQueuedJobs(3)
                .optMaxModels(2)
                .build());
    api = new ApiClient(frontDoor.port());
  }

  @AfterAll
  void stop() {
    frontDoor.close();
  }

  private JsonNode refused(int status, String body) {
    ApiClient.Answer answer = api.post("/jobs", acme, body);
    assertThat(answer.status()).as(body + " -> " + answer.body()).isEqualTo(status);
    String message = answer.json().get("message").asText();
    assertThat(message).doesNotContain("Exception").doesNotContain("\tat ");
    if (!body.contains(data.toString())) {
      assertThat(message)
          .as("a server path the client did not send")
          .doesNotContain(data.toString());
    }
    return answer.json();
  }

  @Test
  void anotherTenantsFilesAndResultsCannotBeReadWrittenOrProbed() {
    String[] attacks = {
      data.resolve("files/zeta/out/results/part-00000.txt").toString(), // B's result file
      data.resolve("files/zeta/out/results").toString(), // B's results folder
      "../zeta/products.jsonl", // out of A's folder by ..
      "sneaky/products.jsonl", // a link inside A's folder to B's
      data.resolve("files/zeta/no-such-file.jsonl").toString(), // does it exist? A cannot tell
      "/etc/passwd",
    };
    String firstMessage = null;
    for (String input : attacks) {
      JsonNode answer =
          refused(403, "{\"task\": \"text-vectorisation\", \"input\": \"" + input + "\"}");
      String message = answer.get("message").asText().replace(input, "X");
      if (firstMessage == null) {
        firstMessage = message;
      }
      // The same answer whether it exists or not.
      assertThat(message).isEqualTo(firstMessage);
    }
    refused(
        403,
        "{\"task\": \"text-vectorisation\", \"input\": \"mine.jsonl\", \"output\": \""
            + data.resolve("files/zeta/out")
            + "\"}");
    refused(
        403,
        "{\"task\": \"text-vectorisation\", \"input\": \"mine.jsonl\", \"output\":"
            + " \"../zeta/out\"}");
    refused(
        400,
        "{\"task\": \"text-vectorisation\", \"input\": \"../*/products.jsonl\"}"); // a glob reads
    // every folder
    JsonNode missing =
        refused(400, "{\"task\": \"text-vectorisation\", \"input\": \"missing.jsonl\"}");
    assertThat(missing.get("message").asText())
        .isEqualTo("input: 'missing.jsonl' does not exist in your files");
    // Its own file is fine.
    assertThat(
            api.post("/jobs", acme, "{\"task\": \"text-vectorisation\", \"input\": \"mine.jsonl\"}")
                .status())
        .isEqualTo(202);
  }

  @Test
  void objectStoreLocationsNeedAGrantAndWritingNeedsAWritableOne() {
    JsonNode bucket =
        refused(
            403, "{\"task\": \"text-vectorisation\", \"input\": \"s3a://any-bucket/data.jsonl\"}");
    assertThat(bucket.get("message").asText())
        .isEqualTo(
            "input: s3a://any-bucket/data.jsonl is not granted to you for reading (the operator"
                + " grants object-store prefixes)");
    refused(
        403,
        "{\"task\": \"text-vectorisation\", \"input\":"
            + " \"s3a://shared/acme-inside-not/x.jsonl\"}"); // a prefix, not a string start
    refused(
        403,
        "{\"task\": \"text-vectorisation\", \"input\": \"s3a://shared/acme-in/x.jsonl\","
            + " \"output\": \"s3a://shared/acme-in/out\"}");
    refused(
        400,
        "{\"task\": \"text-vectorisation\", \"input\": \"s3a://shared/acme-in/../zeta/x.jsonl\"}");
    // Not a URI at all: the client's mistake, named, not the server's 500.
    for (String location : List.of("s3a://shared/acme-in/a b.jsonl", "file:///x/%zz")) {
      JsonNode notUri =
          refused(400, "{\"task\": \"text-vectorisation\", \"input\": \"" + location + "\"}");
      assertThat(notUri.get("message").asText())
          .startsWith("input: '" + location + "' is not a valid URI (");
    }
    ApiClient.Answer granted =
        api.post(
            "/jobs",
            acme,
            "{\"task\": \"text-vectorisation\", \"input\": \"s3a://shared/acme-in/x.jsonl\","
                + " \"output\": \"s3a://shared/acme-out/run-1\"}");
    assertThat(granted.status()).as(granted.body()).isEqualTo(202);
    // Zeta has no grant at all.
    ApiClient.Answer zetaTries =
        api.post(
            "/jobs",
            zeta,
            "{\"task\": \"text-vectorisation\", \"input\": \"s3a://shared/acme-in/x.jsonl\"}");
    assertThat(zetaTries.status()).isEqualTo(403);
  }

  @Test
  void anotherTenantsJobCannotBeReadCancelledOrClaimedByItsIdempotencyKey() {
    String requests =
        "{\"requests\": [{\"id\": \"1\", \"task\": \"emotion\", \"body\": {\"text\": \"hi\"}}]}";
    ApiClient.Answer zetaJob = api.post("/jobs", zeta, requests, "Idempotency-Key", "nightly");
    assertThat(zetaJob.status()).isEqualTo(202);
    String id = zetaJob.json().get("job_id").asText();
    assertThat(api.get("/jobs/" + id, acme).status()).isEqualTo(404);
    assertThat(api.get("/jobs/" + id + "/results", acme).status()).isEqualTo(404);
    assertThat(api.send("DELETE", "/jobs/" + id, acme, null).status()).isEqualTo(404);
    // The same key from acme is acme's own key: a new job, not zeta's.
    ApiClient.Answer acmeJob = api.post("/jobs", acme, requests, "Idempotency-Key", "nightly");
    assertThat(acmeJob.status()).isEqualTo(202);
    assertThat(acmeJob.json().get("job_id").asText()).isNotEqualTo(id);
    // A key reused with a different body is a conflict, not a silent answer with the first job.
    ApiClient.Answer reused =
        api.post(
            "/jobs", zeta, requests.replace("hi", "something else"), "Idempotency-Key", "nightly");
    assertThat(reused.status()).isEqualTo(409);
    assertThat(reused.json().get("message").asText()).contains("was used for a different request");
    assertThat(
            api.post("/jobs", zeta, requests, "Idempotency-Key", "nightly")
                .json()
                .get("job_id")
                .asText())
        .isEqualTo(id);

    // The key is bounded like everything else a client sends (the store's column holds 255).
    for (String path : List.of("/jobs", "/emotion")) {
      String body = path.equals("/jobs") ? requests : "{\"text\": \"hi\"}";
      ApiClient.Answer tooLong = api.post(path, zeta, body, "Idempotency-Key", "k".repeat(256));
      assertThat(tooLong.status()).as(path).isEqualTo(400);
      assertThat(tooLong.json().get("message").asText())
          .isEqualTo("Idempotency-Key: must be 1-255 characters but has 256");
      ApiClient.Answer control = api.post(path, zeta, body, "Idempotency-Key", "tab\there");
      assertThat(control.status()).as(path).isEqualTo(400);
      assertThat(control.json().get("message").asText())
          .isEqualTo("Idempotency-Key: must be printable ASCII characters");
    }
  }

  @Test
  void oneTenantCannotFillTheQueue() {
    String requests =
        "{\"requests\": [{\"id\": \"1\", \"task\": \"emotion\", \"body\": {\"text\": \"hi\"}}]}";
    int accepted = 0;
    ApiClient.Answer last = null;
    for (int i = 0; i < 10; i++) {
      last = api.post("/jobs", omega, requests);
      if (last.status() == 202) {
        accepted++;
      }
    }
    assertThat(accepted).isLessThanOrEqualTo(3);
    assertThat(last.status()).isEqualTo(429);
    assertThat(last.json().get("message").asText()).startsWith("omega has 3 jobs waiting");
  }

  @Test
  void boundsAreCheckedWhenTheBodyIsParsedBeforeTheModelIsLookedFor() throws IOException {
    // No model is installed in this data folder: a bad body is still a 400 naming its field.
    ApiClient.Answer beams =
        api.post("/text-generation", acme, "{\"text\": \"the\", \"num_beams\": 1000000}");
    assertThat(beams.status()).isEqualTo(400);
    assertThat(beams.json().get("message").asText())
        .isEqualTo("num_beams: must be 16 or less but got 1000000");
    ApiClient.Answer tooLong =
        api.post("/text-generation", acme, "{\"text\": \"the\", \"max_length\": 100000000}");
    assertThat(tooLong.json().get("message").asText())
        .isEqualTo("max_length: must be 1024 or less but got 100000000");
    for (int[] size : new int[][] {{1, 100_000}, {1, 20_000}, {9000, 10}}) {
      ApiClient.Answer image =
          api.post(
              "/image-classification",
              acme,
              "{\"image\": \"" + png(size[0], size[1]) + "\", \"labels\": [\"a\", \"b\"]}");
      assertThat(image.status()).as(image.body()).isEqualTo(400);
      assertThat(image.json().get("message").asText())
          .isEqualTo(
              "image: is "
                  + size[0]
                  + "×"
                  + size[1]
                  + " pixels; images may have at most 8192 on a side and 40000000 pixels in all");
    }
    ApiClient.Answer labels =
        api.post(
            "/text-classification",
            acme,
            "{\"text\": \"x\", \"labels\": ["
                + String.join(",", Collections.nCopies(101, "\"l\"")).replaceAll("\"l\"", "\"l%d\"")
                + "]}");
    assertThat(labels.status()).isEqualTo(400);
    ApiClient.Answer text =
        api.post("/emotion", acme, "{\"text\": \"" + "a".repeat(100_001) + "\"}");
    assertThat(text.json().get("message").asText())
        .isEqualTo("text: must be at most 100000 characters but has 100001");
    ApiClient.Answer batch =
        api.post(
            "/text-vectorisation",
            acme,
            "{\"text\": [" + String.join(",", Collections.nCopies(257, "\"x\"")) + "]}");
    assertThat(batch.json().get("message").asText())
        .isEqualTo("text: may hold at most 256 items but has 257");
  }

  @Test
  void nothingInternalLeaksAndTheServerListensOnLoopbackOnly() throws IOException {
    ApiClient.Answer notInstalled =
        api.post("/qa", acme, "{\"question\": \"q\", \"context\": \"c\"}");
    assertThat(notInstalled.status()).isEqualTo(503);
    assertThat(notInstalled.body())
        .doesNotContain(data.toString())
        .contains("qa/english is not installed on this server");
    ApiClient.Answer unknownRoute = api.get("/no/such/route", acme);
    assertThat(unknownRoute.status()).isEqualTo(404);
    assertThat(unknownRoute.body()).doesNotContain("Exception");
    // serve listens on 127.0.0.1 unless told otherwise: another interface of this host gets no
    // answer.
    Optional<InetAddress> external =
        Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
            .flatMap(n -> Collections.list(n.getInetAddresses()).stream())
            .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
            .findFirst();
    if (external.isPresent()) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(external.get(), frontDoor.port()), 2000);
        throw new AssertionError("the front door answered on " + external.get());
      } catch (IOException expected) {
        // refused: it listens on loopback only
      }
    }
    assertThat(FrontDoorConfig.builder(data).build().host()).isEqualTo("127.0.0.1");
  }

  private ApiClient.Answer uploadUrl(String key, String name) {
    return api.post("/upload-url", key, "{\"model_name\": \"" + name + "\"}");
  }

  @Test
  void anAccountHoldsNoMoreModelsThanItsLimit() {
    // Upload URLs for three new names while the account holds none: all granted.
    List<String> urls =
        List.of("m-one", "m-two", "m-three").stream()
            .map(name -> uploadUrl(acme, name).json().asText())
            .toList();
    // Two uploads that fail their checks are still models the account holds (with their message).
    for (String url : urls.subList(0, 2)) {
      ApiClient.Answer failed = api.put(url, "not a zip".getBytes());
      assertThat(failed.status()).as(failed.body()).isEqualTo(400);
    }
    assertThat(api.get("/models", acme).json().findValuesAsText("name"))
        .containsExactlyInAnyOrder("m-one", "m-two");
    String limit =
        "model_name: your account holds 2 models, its limit; delete one (DELETE /models/{model}) or"
            + " upload one of them again";
    ApiClient.Answer third = api.put(urls.get(2), "not a zip".getBytes());
    assertThat(third.status()).as(third.body()).isEqualTo(429);
    assertThat(third.json().get("message").asText()).isEqualTo(limit);
    ApiClient.Answer fourth = uploadUrl(acme, "m-four");
    assertThat(fourth.status()).isEqualTo(429);
    assertThat(fourth.json().get("message").asText()).isEqualTo(limit);
    assertThat(api.get("/models", acme).json().findValuesAsText("name")).hasSize(2);

    // A name it holds may be uploaded again; another account has its own room.
    assertThat(uploadUrl(acme, "m-one").status()).isEqualTo(200);
    assertThat(uploadUrl(zeta, "m-four").status()).isEqualTo(200);
    // Deleting one makes room.
    assertThat(api.send("DELETE", "/models/m-two", acme, null).status()).isEqualTo(200);
    assertThat(uploadUrl(acme, "m-four").status()).isEqualTo(200);
    assertThat(data.resolve("user-models/acme/m-two")).doesNotExist();
    // The PUT refused for want of room kept its URL: put again, it is read (and this zip fails
    // its checks) instead of 403.
    ApiClient.Answer again = api.put(urls.get(2), "not a zip".getBytes());
    assertThat(again.status()).as(again.body()).isEqualTo(400);
    assertThat(api.put(urls.get(2), "not a zip".getBytes()).status()).isEqualTo(403); // used now
  }

  @Test
  void concurrentUploadsOfOneNameLeaveTheRecordedUploadOnDisk() throws Exception {
    // Each upload, once recorded, removes the model's other uploads from disk. Two at once used to
    // remove each other's: a 500, or a record naming a folder that no longer existed.
    byte[] zip = acceptedZip();
    for (int round = 0; round < 5; round++) {
      List<String> urls =
          IntStream.range(0, 6).mapToObj(i -> uploadUrl(racer, "m-race").json().asText()).toList();
      for (ApiClient.Answer answer : putAtOnce(urls, zip)) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
      }
      Path model = data.resolve("user-models/racer/m-race");
      try (Stream<Path> uploads = Files.list(model)) {
        List<Path> left = uploads.toList();
        assertThat(left).as("round " + round).hasSize(1);
        assertThat(left.get(0).resolve("model.onnx")).exists();
      }
      // The recorded upload is the one on disk: its files are served from the record's folder.
      ApiClient.Answer served = api.get("/models/m-race/files/config.json", racer);
      assertThat(served.status()).as(served.body()).isEqualTo(200);
    }
    assertThat(api.send("DELETE", "/models/m-race", racer, null).status()).isEqualTo(200);
  }

  @Test
  void concurrentUploadsOfNewNamesStayWithinTheModelLimit() throws Exception {
    // The limit (2 here) is checked again under the account's lock, with the records it joins: six
    // new names put at once used to pass the check together.
    List<String> urls =
        IntStream.range(0, 6)
            .mapToObj(i -> uploadUrl(crowd, "m-crowd-" + i).json().asText())
            .toList();
    byte[] zip = acceptedZip();
    List<Integer> statuses = putAtOnce(urls, zip).stream().map(ApiClient.Answer::status).toList();
    assertThat(statuses).containsOnly(200, 429);
    assertThat(statuses.stream().filter(status -> status == 200)).hasSize(2);
    assertThat(api.get("/models", crowd).json().findValuesAsText("name")).hasSize(2);
  }

  @Test
  void uploadingOneModelAgainAndAgainQueuesOneBuild() throws IOException {
    // No worker runs here, so the first build is still waiting when the next uploads land: it
    // builds the newest upload when it starts. Each upload used to queue a build of its own,
    // uncapped, for a worker every account shares.
    byte[] zip = acceptedZip();
    Set<String> builds = new HashSet<>();
    for (int i = 0; i < 8; i++) {
      ApiClient.Answer answer = api.put(uploadUrl(rebuilder, "m-again").json().asText(), zip);
      assertThat(answer.status()).as(answer.body()).isEqualTo(200);
      builds.add(answer.json().get("build_job").asText());
    }
    assertThat(builds).hasSize(1);
    assertThat(api.get("/jobs", rebuilder).json().findValuesAsText("job_id"))
        .containsExactlyElementsOf(builds);
  }

  /** PUTs the zip to every URL at once, one thread each; the answers in the URLs' order. */
  private List<ApiClient.Answer> putAtOnce(List<String> urls, byte[] zip) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(urls.size());
    try {
      List<ApiClient.Answer> answers = new ArrayList<>();
      for (Future<ApiClient.Answer> answer :
          pool.invokeAll(
              urls.stream()
                  .map(url -> (Callable<ApiClient.Answer>) () -> api.put(url, zip))
                  .toList())) {
        answers.add(answer.get());
      }
      return answers;
    } finally {
      pool.shutdown();
    }
  }

  /** A zip that passes the upload's checks (its model is not a real one: the build would fail). */
  private static byte[] acceptedZip() throws IOException {
    String config =
        "{\"description\": \"race\", \"tasks\": [\"text-classification\"], \"id2label\": {\"0\":"
            + " \"a\", \"1\": \"b\"}}";
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (String[] entry :
          new String[][] {{"model.onnx", "x"}, {"tokenizer.json", "{}"}, {"config.json", config}}) {
        zip.putNextEntry(new ZipEntry(entry[0]));
        zip.write(entry[1].getBytes());
        zip.closeEntry();
      }
    }
    return bytes.toByteArray();
  }

  /** A PNG of the given size, tiny in bytes however large in pixels. */
  static String png(int width, int height) throws IOException {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_BINARY);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(image, "png", bytes);
    return Base64.getEncoder().encodeToString(bytes.toByteArray());
  }

  static List<String> lines(String body) {
    return body.lines().filter(l -> !l.isBlank()).toList();
  }
}
