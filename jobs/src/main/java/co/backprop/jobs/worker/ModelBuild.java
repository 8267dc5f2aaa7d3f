package co.backprop.jobs.worker;

import co.backprop.contract.job.JobSpec;
import co.backprop.contract.model.BuildStatus;
import co.backprop.contract.model.ModelCatalog;
import co.backprop.contract.model.ModelSpec;
import co.backprop.contract.model.ModelStore;
import co.backprop.contract.model.UserModel;
import co.backprop.contract.model.UserModels;
import co.backprop.contract.task.ClassificationRequest;
import co.backprop.contract.task.GenerationParameters;
import co.backprop.contract.task.GenerationRequest;
import co.backprop.contract.task.ImageClassificationRequest;
import co.backprop.contract.task.Json;
import co.backprop.contract.task.QaRequest;
import co.backprop.contract.task.SingleRequest;
import co.backprop.contract.task.Task;
import co.backprop.contract.task.TextRequest;
import co.backprop.engines.runner.ModelCache;
import co.backprop.engines.runner.ModelLoader;
import co.backprop.engines.runner.ModelRunner;
import co.backprop.engines.runner.PreparedInput;
import co.backprop.engines.runner.RunnerOptions;
import co.backprop.store.UploadedModels;
import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Builds an uploaded model: loads it for every task its config names and runs one small request of
 * each, then records success or the reason it failed as the model's build status.
 */
final class ModelBuild {
  private final UploadedModels uploaded;
  private final ModelStore models;

  ModelBuild(UploadedModels uploaded, ModelStore models) {
    this.uploaded = uploaded;
    this.models = models;
  }

  /** Builds the account's model the spec names and returns the build message. */
  String build(String account, JobSpec.ModelBuild build) {
    String name = build.model();
    UserModel model =
        uploaded
            .model(account, name)
            .orElseThrow(() -> new IllegalStateException("model " + name + " was deleted"));
    String message;
    BuildStatus status;
    try {
      ModelCatalog catalog = UserModels.catalog(ModelCatalog.bundled(models), List.of(model));
      List<String> answered = new ArrayList<>();
      for (String taskName : model.tasks()) {
        Task task = Task.fromApiName(taskName);
        ModelSpec spec = catalog.resolve(task, name);
        ModelLoader.requireSupported(spec);
        smokeRun(spec, smokeRequest(task, Path.of(model.path())));
        answered.add(taskName);
      }
      status = BuildStatus.SUCCESS;
      message = "loaded and answered a test request for " + String.join(", ", answered);
    } catch (RuntimeException e) {
      status = BuildStatus.FAIL;
      message = "the model could not be built: " + e.getMessage();
    }
    // An upload made while this one was building has its own build queued; a deleted model stays
    // deleted. Either way this outcome belongs to files no longer in use.
    if (!uploaded.recordBuild(model.built(status, message, Instant.now()))) {
      return "not recorded: the model was uploaded again or deleted while this build ran ("
          + message
          + ")";
    }
    return message;
  }

  @SuppressWarnings("unchecked")
  private static void smokeRun(ModelSpec spec, SingleRequest request) {
    try (ModelRunner<PreparedInput> runner =
        (ModelRunner<PreparedInput>)
            ModelCache.get(spec, RunnerOptions.cpu(1), () -> {}).newRunner()) {
      runner.run(List.of(runner.prepare(request)));
    }
  }

  private static SingleRequest smokeRequest(Task task, Path folder) {
    return switch (task) {
      case TEXT_VECTORISATION, EMOTION -> new TextRequest("Hello world, this is a test.", null);
      case SUMMARISATION -> new TextRequest("This is a test. It has two sentences.", null);
      case TEXT_CLASSIFICATION ->
          new ClassificationRequest("Hello world, this is a test.", configLabels(folder), null);
      case QA -> new QaRequest("What is this?", "This is a test.", null, null, null);
      case TEXT_GENERATION ->
          new GenerationRequest(
              "Hello",
              new GenerationParameters(null, 2, 0.0, null, null, null, null, null, null, null),
              null);
      case IMAGE_CLASSIFICATION ->
          new ImageClassificationRequest(whitePng(), List.of("white", "black"), null);
    };
  }

  /**
   * A classifier's own first label (it answers only its labels), or two words for zero-shot kinds.
   */
  private static List<String> configLabels(Path folder) {
    try {
      JsonNode id2label =
          Json.MAPPER.readTree(folder.resolve("config.json").toFile()).path("id2label");
      if (id2label.isObject() && id2label.size() > 0) {
        return List.of(id2label.elements().next().asText());
      }
    } catch (IOException e) {
      // no labels: zero-shot
    }
    return List.of("greeting", "question");
  }

  private static String whitePng() {
    BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        image.setRGB(x, y, 0xffffff);
      }
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", bytes);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return Base64.getEncoder().encodeToString(bytes.toByteArray());
  }
}
