package co.backprop.jobs.cli;

import co.backprop.jobs.samples.SampleDatasets;
import co.backprop.jobs.spark.SparkSessions;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "samples",
    mixinStandardHelpOptions = true,
    description =
        "Writes the bundled sample datasets (products.jsonl, products.parquet, requests.jsonl).")
public final class SamplesCommand implements Callable<Integer> {
  @Option(
      names = "--output",
      defaultValue = "datasets",
      description = "Folder to write them to (default: ${DEFAULT-VALUE}).")
  Path output;

  @Override
  public Integer call() throws IOException {
    Files.createDirectories(output);
    List<ObjectNode> products = SampleDatasets.products();
    writeJsonLines(output.resolve("products.jsonl"), products);
    writeJsonLines(output.resolve("requests.jsonl"), SampleDatasets.requests());
    writeParquet(output.resolve("products.jsonl"), output.resolve("products.parquet"));
    System.out.println(
        "wrote "
            + products.size()
            + " products and the request sample to "
            + output.toAbsolutePath());
    return 0;
  }

  private static void writeJsonLines(Path file, List<ObjectNode> rows) throws IOException {
    StringBuilder text = new StringBuilder();
    rows.forEach(row -> text.append(row).append('\n'));
    Files.writeString(file, text);
  }

  /** One Parquet file (not a folder) with the same rows, in the same order. */
  private static void writeParquet(Path jsonLines, Path parquet) throws IOException {
    Path folder = parquet.resolveSibling(parquet.getFileName() + ".tmp");
    SparkSession spark =
        SparkSessions.create("backprop samples", "local[1]", Map.of("spark.ui.enabled", "false"));
    try {
      spark
          .read()
          .schema("sku STRING, title STRING, category STRING, price DOUBLE")
          .json(jsonLines.toString())
          .coalesce(1)
          .write()
          .mode(SaveMode.Overwrite)
          .parquet(folder.toString());
    } finally {
      spark.stop();
    }
    try (Stream<Path> files = Files.list(folder)) {
      Path part =
          files
              .filter(p -> p.getFileName().toString().endsWith(".parquet"))
              .findFirst()
              .orElseThrow();
      Files.move(part, parquet, StandardCopyOption.REPLACE_EXISTING);
    }
    try (Stream<Path> rest = Files.walk(folder)) {
      rest.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
