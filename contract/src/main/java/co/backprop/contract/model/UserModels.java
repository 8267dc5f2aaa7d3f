package co.backprop.contract.model;

import co.backprop.contract.task.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Uploaded models as catalog entries: one entry per task its config.json names, on the artifact
 * {@code account/name} whose files are in the model's folder. The kind follows the task unless the
 * config names one ({@code "kind"}).
 */
public final class UserModels {
  /** The model files an upload may hold: ONNX, or TorchScript for causal language models. */
  public static final List<String> MODEL_FILES = List.of("model.onnx", "model.pt");

  private UserModels() {}

  /** The "kind" of the model's config.json, or null. */
  static String configuredKind(Path folder) {
    try {
      com.fasterxml.jackson.databind.JsonNode kind =
          co.backprop.contract.task.Json.MAPPER
              .readTree(folder.resolve("config.json").toFile())
              .get("kind");
      return kind == null || !kind.isTextual() ? null : kind.asText();
    } catch (java.io.IOException e) {
      return null;
    }
  }

  public static ModelKind defaultKind(Task task) {
    return switch (task) {
      case TEXT_VECTORISATION -> ModelKind.SENTENCE_EMBEDDING;
      case TEXT_CLASSIFICATION, EMOTION -> ModelKind.SEQUENCE_CLASSIFICATION;
      case QA -> ModelKind.EXTRACTIVE_QA;
      case TEXT_GENERATION -> ModelKind.CAUSAL_LM;
      case IMAGE_CLASSIFICATION -> ModelKind.CLIP;
      case SUMMARISATION -> ModelKind.SEQ2SEQ;
    };
  }

  /** The catalog with the account's models added. */
  public static ModelCatalog catalog(ModelCatalog global, List<UserModel> models) {
    Map<String, ModelCatalog.Artifact> artifacts = new LinkedHashMap<>();
    List<ModelCatalog.Entry> entries = new ArrayList<>();
    for (UserModel model : models) {
      Path folder = Path.of(model.path());
      String modelFile = Files.exists(folder.resolve("model.pt")) ? "model.pt" : "model.onnx";
      String artifact = model.account() + "/" + model.name();
      artifacts.put(
          artifact,
          new ModelCatalog.Artifact(
              model.description(),
              modelFile.endsWith(".pt") ? "PyTorch" : "OnnxRuntime",
              folder.toString(),
              Map.of("model", modelFile, "tokenizer", "tokenizer.json", "config", "config.json"),
              Map.of(),
              null,
              "upload it again through POST /upload-url"));
      for (String task : model.tasks()) {
        Task parsed = Task.fromApiName(task);
        String kind = configuredKind(folder);
        entries.add(
            new ModelCatalog.Entry(
                parsed,
                model.name(),
                kind == null ? defaultKind(parsed) : ModelKind.fromCatalogName(kind),
                artifact,
                model.description(),
                Map.of(),
                null));
      }
    }
    return global.withExtra(artifacts, entries);
  }
}
