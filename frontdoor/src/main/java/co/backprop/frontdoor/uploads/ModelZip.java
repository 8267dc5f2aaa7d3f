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
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * An uploaded model zip: exactly the model file (model.onnx, or model.pt for TorchScript),
 * config.json (with {@code description} and {@code tasks}) and tokenizer.json, at the top level.
 * Extracted into a staging folder that becomes the model's folder only when everything checks out;
 * a bad zip leaves nothing behind.
 */
public final class ModelZip {
  /** Why a zip was refused: the model's build_message. */
  public static final class Rejected extends Exception {
    Rejected(String message) {
      super(message);
    }
  }

  /** What the config.json of a good zip says. */
  public record Contents(String description, List<String> tasks) {}

  private ModelZip() {}

  /**
   * Checks and extracts a zip into {@code target} (which must not exist), moving it into place only
   * when it is good; {@code maxBytes} bounds what it may expand to.
   */
  public static Contents install(Path zip, Path target, long maxBytes)
      throws Rejected, IOException {
    Path staging = target.resolveSibling(target.getFileName() + ".staging-" + System.nanoTime());
    try {
      Files.createDirectories(staging);
      extract(zip, staging, maxBytes);
      Contents contents = check(staging);
      if (Files.exists(target)) {
        deleteRecursively(target);
      }
      Files.move(staging, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return contents;
    } finally {
      if (Files.exists(staging)) {
        deleteRecursively(staging);
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
    return new Contents(config.get("description").asText(), names);
  }

  private static String expected() {
    return "model.onnx (or model.pt), config.json and tokenizer.json";
  }

  static void deleteRecursively(Path folder) throws IOException {
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
