package co.backprop.frontdoor.http;

import co.backprop.contract.job.Job;
import co.backprop.contract.model.BuildStatus;
import co.backprop.contract.model.ModelSpec;
import co.backprop.contract.model.UserModel;
import co.backprop.contract.task.Json;
import co.backprop.frontdoor.uploads.ModelZip;
import co.backprop.store.UploadedModels;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** /models, /models/{model}, /upload-url and the upload itself (PUT /uploads/{token}). */
public final class ModelController {
  private static final String NAME = "[a-z0-9_-]{3,100}";

  private final UploadedModels uploaded;
  private final Models models;
  private final JobQueue queue;
  private final Path userModels;
  private final Path uploads;
  private final long maxUploadBytes;
  private final int maxOpenUploads;

  /** One lock per account (accounts are the operator's, so the map stays small). */
  private final Map<String, Object> accountLocks = new ConcurrentHashMap<>();

  private final int maxModels;

  public ModelController(
      UploadedModels uploaded,
      Models models,
      JobQueue queue,
      Path userModels,
      Path uploads,
      long maxUploadBytes,
      int maxOpenUploads,
      int maxModels) {
    this.uploaded = uploaded;
    this.models = models;
    this.queue = queue;
    this.userModels = userModels;
    this.uploads = uploads;
    this.maxUploadBytes = maxUploadBytes;
    this.maxOpenUploads = maxOpenUploads;
    this.maxModels = maxModels;
  }

  /** A 429 when the account already holds its limit of models and this name is not one of them. */
  private void requireRoomFor(String account, String name) {
    List<UserModel> held = uploaded.models(account);
    if (held.size() >= maxModels && held.stream().noneMatch(m -> m.name().equals(name))) {
      throw new ApiException(
          429,
          "model_name: your account holds "
              + held.size()
              + " models, its limit; delete one (DELETE /models/{model}) or upload one of them"
              + " again");
    }
  }

  public void list(Context ctx) {
    ArrayNode list = Json.MAPPER.createArrayNode();
    for (UserModel model : models.uploaded(ApiKeys.account(ctx))) {
      list.add(summary(model).put("build_message", model.buildMessage()));
    }
    if (Boolean.parseBoolean(ctx.queryParam("include_global"))) {
      Map<String, ObjectNode> global = new LinkedHashMap<>();
      for (ModelSpec spec : models.global().all()) {
        ObjectNode entry =
            global.computeIfAbsent(
                spec.name(),
                name -> {
                  ObjectNode node = Json.MAPPER.createObjectNode();
                  node.put("id", "model_" + name);
                  node.put("name", name);
                  node.put("description", spec.description());
                  node.putArray("tasks");
                  node.put("build_status", BuildStatus.SUCCESS.apiName());
                  node.putNull("last_deployment");
                  node.put("global", true);
                  return node;
                });
        ((ArrayNode) entry.get("tasks")).add(spec.task().apiName());
      }
      global.values().forEach(list::add);
    }
    Bodies.send(ctx, 200, list);
  }

  public void get(Context ctx) {
    UserModel model = owned(ctx);
    ObjectNode detail = summary(model);
    detail.put("build_message", model.buildMessage());
    Path folder = Path.of(model.path());
    // The account's own files, through the API: never a path of the server.
    String files = "/models/" + model.name() + "/files/";
    detail.put("model_url", files + modelFile(folder));
    detail.put("config_url", files + "config.json");
    detail.putNull("requirements_url"); // ONNX and TorchScript models have no Python requirements
    Bodies.send(ctx, 200, detail);
  }

  /** One file of the caller's model: the model, its config or its tokenizer. */
  public void file(Context ctx) throws IOException {
    UserModel model = owned(ctx);
    Path folder = Path.of(model.path());
    String name = ctx.pathParam("file");
    if (!List.of(modelFile(folder), "config.json", "tokenizer.json").contains(name)
        || !Files.isRegularFile(folder.resolve(name))) {
      throw ApiException.notFound("model " + model.name() + " has no file '" + name + "'");
    }
    ctx.status(200)
        .contentType(name.endsWith(".json") ? "application/json" : "application/octet-stream");
    try (InputStream in = Files.newInputStream(folder.resolve(name))) {
      in.transferTo(ctx.outputStream());
    }
  }

  private static String modelFile(Path folder) {
    return Files.exists(folder.resolve("model.pt")) ? "model.pt" : "model.onnx";
  }

  public void delete(Context ctx) throws IOException {
    UserModel model = owned(ctx);
    synchronized (lockOf(model.account())) {
      uploaded.delete(model.account(), model.name());
      Path folder = modelFolder(model.account(), model.name());
      if (Files.exists(folder)) {
        ModelZip.remove(folder);
      }
    }
    Bodies.send(ctx, 200, Json.MAPPER.nullNode());
  }

  /** A URL valid for an hour that takes one PUT of the model's zip. */
  public void uploadUrl(Context ctx) {
    JsonNode body = Bodies.json(ctx);
    JsonNode name = body.get("model_name");
    if (name == null || !name.isTextual()) {
      throw ApiException.badRequest(
          "model_name: is required (3-100 characters of lowercase ascii, digits, - and _)");
    }
    if (!name.asText().matches(NAME)) {
      throw ApiException.badRequest(
          "model_name: must be 3-100 characters of lowercase ascii, digits, - and _; got '"
              + name.asText()
              + "'");
    }
    if (models.global().all().stream().anyMatch(spec -> spec.name().equals(name.asText()))) {
      throw ApiException.badRequest(
          "model_name: '" + name.asText() + "' is the name of a global model; choose another");
    }
    requireRoomFor(ApiKeys.account(ctx), name.asText());
    String token =
        uploaded.createUpload(
            ApiKeys.account(ctx), name.asText(), Duration.ofHours(1), maxOpenUploads);
    Bodies.send(
        ctx,
        200,
        Json.MAPPER
            .getNodeFactory()
            .textNode(ctx.scheme() + "://" + ctx.host() + "/uploads/" + token));
  }

  /**
   * Streams the zip to disk (never into memory), refuses it past the size limit, checks and
   * installs it, then queues its build. A zip that fails a check is recorded as a failed build with
   * the reason, and nothing of it stays on disk.
   */
  public void upload(Context ctx) throws IOException {
    String token = ctx.pathParam("token");
    UploadedModels.Upload upload = uploaded.upload(token).orElseThrow(ModelController::unusable);
    // Refusals before the body is read leave the URL usable: the client can make room, or send a
    // smaller zip, and put again. Again here: the account may hold upload URLs for more new names
    // than it has room for.
    requireRoomFor(upload.account(), upload.model());
    long declared = ctx.contentLength();
    if (declared > maxUploadBytes) {
      throw new ApiException(
          413, "the zip is " + declared + " bytes; the limit is " + maxUploadBytes);
    }
    if (uploaded.useUpload(token).isEmpty()) {
      throw unusable(); // put twice at once: the other one has it
    }
    Files.createDirectories(uploads);
    Path zip = uploads.resolve(token + ".zip");
    Path modelFolder = modelFolder(upload.account(), upload.model());
    try {
      copyLimited(ctx.bodyInputStream(), zip);
      // One upload, failed upload or deletion per account at a time: each removes its model's
      // other folders once its record is saved (two at once removed each other's: a 500, or a
      // record naming a folder gone), and the room is checked again with the records it joins.
      synchronized (lockOf(upload.account())) {
        requireRoomFor(upload.account(), upload.model());
        install(ctx, upload, zip, modelFolder);
      }
    } finally {
      Files.deleteIfExists(zip);
    }
  }

  private void install(Context ctx, UploadedModels.Upload upload, Path zip, Path modelFolder)
      throws IOException {
    try {
      ModelZip.Contents contents = ModelZip.install(zip, modelFolder, maxUploadBytes);
      UserModel model =
          new UserModel(
              upload.account(),
              upload.model(),
              contents.description(),
              contents.tasks(),
              BuildStatus.BUILDING,
              "queued for building",
              Instant.now(),
              contents.folder().toString());
      uploaded.save(model);
      ModelZip.keepOnly(modelFolder, contents.folder());
      Job build = queue.enqueueBuild(upload.account(), upload.model());
      ObjectNode answer = summary(model);
      answer.put("build_job", build.id());
      Bodies.send(ctx, 200, answer);
    } catch (ModelZip.Rejected rejected) {
      UserModel failed =
          new UserModel(
              upload.account(),
              upload.model(),
              "",
              java.util.List.of(),
              BuildStatus.FAIL,
              rejected.getMessage(),
              Instant.now(),
              modelFolder.toString());
      uploaded.save(failed);
      ModelZip.keepOnly(modelFolder, null); // the model is no longer callable
      Bodies.send(
          ctx,
          400,
          summary(failed)
              .put("build_message", rejected.getMessage())
              .put("message", rejected.getMessage()));
    }
  }

  private static ApiException unusable() {
    return new ApiException(
        403, "upload URL: unknown, used or expired (they work once, for an hour)");
  }

  /**
   * The lock of one account's models: its own, so that one account's large uploads never hold up
   * another's.
   */
  private Object lockOf(String account) {
    return accountLocks.computeIfAbsent(account, any -> new Object());
  }

  /** The folder of all of a model's uploads (each in a folder of its own inside). */
  private Path modelFolder(String account, String name) {
    return userModels.resolve(account).resolve(name);
  }

  private void copyLimited(InputStream in, Path zip) throws IOException {
    long total = 0;
    try (in;
        OutputStream out = Files.newOutputStream(zip)) {
      byte[] buffer = new byte[1 << 16];
      for (int read; (read = in.read(buffer)) >= 0; ) {
        total += read;
        if (total > maxUploadBytes) {
          throw new ApiException(
              413, "the zip is larger than the limit of " + maxUploadBytes + " bytes");
        }
        out.write(buffer, 0, read);
      }
    } catch (ApiException e) {
      Files.deleteIfExists(zip);
      throw e;
    }
  }

  private UserModel owned(Context ctx) {
    String name = ctx.pathParam("model");
    return uploaded
        .model(ApiKeys.account(ctx), name)
        .orElseThrow(() -> ApiException.modelNotFound(name));
  }

  private static ObjectNode summary(UserModel model) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("id", "model_" + model.name());
    node.put("name", model.name());
    node.put("description", model.description());
    ArrayNode tasks = node.putArray("tasks");
    model.tasks().forEach(tasks::add);
    node.put("build_status", model.buildStatus().apiName());
    node.put(
        "last_deployment",
        model.lastDeployment() == null ? null : model.lastDeployment().toString());
    return node;
  }
}
