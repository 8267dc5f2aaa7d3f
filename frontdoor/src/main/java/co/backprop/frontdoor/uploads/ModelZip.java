package co.backprop.frontdoor.uploads;

import co.backprop.contract.model.UserModels;
import co.backprop.contract.task.Json;
import co.backprop.contract.task.Task;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * An uploaded model zip: exactly the model file (model.onnx, or model.pt for TorchScript),
 * config.json (with {@code description} and {@code tasks}) and tokenizer.json, at the top level.
 * Extracted into a staging folder that becomes the upload's folder only when everything checks out;
 * a bad zip leaves nothing behind.
 */
public final class ModelZip {
  /** Why a zip was refused: the model's build_message. */
  public static final class Rejected extends Exception {
    Rejected(String message) {
      super(message);
    }
  }

  /**
   * What the config.json of a good zip says, and the folder its files are in.
   *
   * @param folder the upload's own folder inside the model's folder
   */
  public record Contents(String description, List<String> tasks, Path folder) {}

  private static final String STAGING = ".staging-";

  private ModelZip() {}

  /**
   * Checks and extracts a zip into a new folder of its own inside {@code modelFolder}, moving it
   * into place only when it is good; {@code maxBytes} bounds what it may expand to. Each upload has
   * its own folder: a process that loaded an earlier upload of the same name (its weights are
   * cached by folder) never takes the new files for it, and a job still reading the earlier files
   * never sees them change under it.
   */
  public static Contents install(Path zip, Path modelFolder, long maxBytes)
      throws Rejected, IOException {
    String upload = UUID.randomUUID().toString();
    Path staging = modelFolder.resolve(STAGING + upload);
    try {
      Files.createDirectories(staging);
      extract(zip, staging, maxBytes);
      Contents checked = check(staging);
      Path folder = modelFolder.resolve(upload);
      Files.move(staging, folder, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return new Contents(checked.description(), checked.tasks(), folder);
    } finally {
      if (Files.exists(staging)) {
        remove(staging);
      }
    }
  }

  /**
   * Removes the model's earlier uploads (and, from before uploads had folders of their own, files
   * at its top level), keeping {@code kept} (null: none) and any upload still being extracted; a
   * model folder left empty goes too.
   */
  public static void keepOnly(Path modelFolder, Path kept) throws IOException {
    if (!Files.isDirectory(modelFolder)) {
      return;
    }
    List<Path> entries;
    try (Stream<Path> listed = Files.list(modelFolder)) {
      entries = listed.toList();
    }
    boolean empty = true;
    for (Path entry : entries) {
      if (entry.equals(kept) || entry.getFileName().toString().startsWith(STAGING)) {
        empty = false;
      } else {
        remove(entry);
      }
    }
    if (empty) {
      try {
        Files.deleteIfExists(modelFolder);
      } catch (java.nio.file.DirectoryNotEmptyException another) {
        // another upload of the same model has just started: its folder stays
      }
    }
  }

  private static void extract(Path zip, Path staging, long maxBytes) throws Rejected, IOException {
    Set<String> names = new LinkedHashSet<>();
    long total = 0;
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
        String name = entry.getName();
        if (entry.isDirectory()
            || name.contains("/")
            || name.contains("\\")
            || name.contains("..")
            || name.isBlank()) {
          throw new Rejected(
              "the zip must hold its files at the top level, without folders or paths; it has '"
                  + name
                  + "'");
        }
        boolean allowed =
            name.equals("config.json")
                || name.equals("tokenizer.json")
                || UserModels.MODEL_FILES.contains(name);
        if (!allowed) {
          throw new Rejected("the zip holds '" + name + "'; it must hold exactly " + expected());
        }
        if (!names.add(name)) {
          throw new Rejected("the zip holds '" + name + "' twice");
        }
        try (OutputStream out = Files.newOutputStream(staging.resolve(name))) {
          byte[] buffer = new byte[1 << 16];
          for (int read; (read = in.read(buffer)) >= 0; ) {
            total += read;
            if (total > maxBytes) {
              throw new Rejected("the zip expands beyond the limit of " + maxBytes + " bytes");
            }
            out.write(buffer, 0, read);
          }
        }
      }
    } catch (java.util.zip.ZipException e) {
      throw new Rejected("the upload is not a zip file: " + e.getMessage());
    }
    if (names.isEmpty()) {
      throw new Rejected(
          "the upload is not a zip file, or an empty one; it must hold exactly " + expected());
    }
    List<String> missing = new ArrayList<>();
    for (String required : List.of("config.json", "tokenizer.json")) {
      if (!names.contains(required)) {
        missing.add(required);
      }
    }
    if (names.stream().noneMatch(UserModels.MODEL_FILES::contains)) {
      missing.add("model.onnx (or model.pt)");
    }
    if (!missing.isEmpty()) {
      throw new Rejected(
          "the zip lacks " + String.join(", ", missing) + "; it must hold exactly " + expected());
    }
    if (names.containsAll(UserModels.MODEL_FILES)) {
      throw new Rejected(
          "the zip holds both model.onnx and model.pt; it must hold exactly one model file");
    }
  }

  private static Contents check(Path staging) throws Rejected {
    JsonNode config;
    try (InputStream in = Files.newInputStream(staging.resolve("config.json"))) {
      config = Json.MAPPER.readTree(in);
    } catch (IOException e) {
      throw new Rejected("config.json is not valid JSON: " + e.getMessage());
    }
    if (!config.path("description").isTextual()) {
      throw new Rejected("config.json: description must be a string");
    }
    JsonNode tasks = config.path("tasks");
    if (!tasks.isArray() || tasks.isEmpty()) {
      throw new Rejected(
          "config.json: tasks must be a non-empty list of task names (" + Task.allApiNames() + ")");
    }
    List<String> names = new ArrayList<>();
    for (JsonNode task : tasks) {
      try {
        names.add(Task.fromApiName(task.asText()).apiName());
      } catch (IllegalArgumentException e) {
        throw new Rejected("config.json: tasks: " + e.getMessage());
      }
    }
    return new Contents(config.get("description").asText(), names, staging);
  }

  private static String expected() {
    return "model.onnx (or model.pt), config.json and tokenizer.json";
  }

  /** Removes a file, or a folder and everything in it. */
  public static void remove(Path folder) throws IOException {
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
