package co.backprop.jobs;

import co.backprop.contract.task.Json;
import co.backprop.jobs.spark.SparkSessions;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/** Real Spark sessions and real files for the job tests. */
final class JobTestSupport {
  private JobTestSupport() {}

  /** Local Spark on two cores, as on the machines the suite runs on. */
  static SparkSession localSpark() {
    return SparkSessions.create(
        "backprop test",
        "local[2]",
        Map.of("spark.ui.enabled", "false", "spark.sql.shuffle.partitions", "4"));
  }

  static Path writeLines(Path file, String... lines) {
    try {
      Files.createDirectories(file.getParent());
      return Files.writeString(file, String.join("\n", lines) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The part files of an output folder (a file: URI or path), in name order. */
  static List<String> partFiles(String folder) {
    Path path = folder.startsWith("file:") ? Path.of(java.net.URI.create(folder)) : Path.of(folder);
    try (Stream<Path> files = Files.list(path)) {
      return files
          .filter(p -> p.getFileName().toString().startsWith("part-"))
          .sorted()
          .map(Path::toString)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every line of every part file of a JSON-lines output folder, in part order. */
  static List<JsonNode> readJsonLines(String folder) {
    try {
      List<JsonNode> rows = new ArrayList<>();
      for (String part : partFiles(folder)) {
        for (String line : Files.readAllLines(Path.of(part))) {
          if (!line.isBlank()) {
            rows.add(Json.MAPPER.readTree(line));
          }
        }
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode json(String line) {
    try {
      return Json.MAPPER.readTree(line);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static float[] vector(JsonNode row) {
    JsonNode values = row.get("vector");
    float[] vector = new float[values.size()];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = (float) values.get(i).asDouble();
    }
    return vector;
  }

  /** Copies a fixture model of the engines' tests into {@code store/artifact}. */
  static void installFixture(Path store, String fixture, String artifact, List<String> files)
      throws IOException {
    Path folder = Files.createDirectories(store.resolve(artifact));
    for (String file : files) {
      try (java.io.InputStream in =
          JobTestSupport.class.getResourceAsStream("/fixtures/" + fixture + "/" + file)) {
        Files.copy(in, folder.resolve(file), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  /** A 40×30 PNG of one colour as a data URL, the image field's form. */
  static String png(java.awt.Color color) throws IOException {
    java.awt.image.BufferedImage image =
        new java.awt.image.BufferedImage(40, 30, java.awt.image.BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D graphics = image.createGraphics();
    graphics.setColor(color);
    graphics.fillRect(0, 0, 40, 30);
    graphics.dispose();
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageIO.write(image, "png", bytes);
    return "data:image/png;base64,"
        + java.util.Base64.getEncoder().encodeToString(bytes.toByteArray());
  }
}
