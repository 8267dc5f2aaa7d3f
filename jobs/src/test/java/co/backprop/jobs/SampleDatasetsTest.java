package co.backprop.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import co.backprop.contract.task.Json;
import co.backprop.jobs.samples.SampleDatasets;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The committed samples in datasets/ are what `bin/backprop samples` generates, in every format.
 */
class SampleDatasetsTest {
  private static final Path DATASETS =
      Path.of(System.getProperty("backprop.repo", ".."), "datasets");

  private static List<JsonNode> lines(String file) throws IOException {
    return Files.readAllLines(DATASETS.resolve(file)).stream()
        .map(
            line -> {
              try {
                return Json.MAPPER.readTree(line);
              } catch (IOException e) {
                throw new AssertionError(e);
              }
            })
        .toList();
  }

  @Test
  void theJsonLinesSamplesAreTheGeneratedOnes() throws IOException {
    assertThat(lines("products.jsonl"))
        .hasSize(SampleDatasets.PRODUCTS)
        .isEqualTo(SampleDatasets.products());
    assertThat(lines("requests.jsonl")).isEqualTo(SampleDatasets.requests());
  }

  @Test
  void theParquetSampleHoldsTheSameProductsInTheSameOrder() throws IOException {
    List<JsonNode> products = lines("products.jsonl");
    SparkSession spark = JobTestSupport.localSpark();
    try {
      List<Row> rows =
          spark.read().parquet(DATASETS.resolve("products.parquet").toString()).collectAsList();
      assertThat(rows).hasSize(products.size());
      for (int i = 0; i < rows.size(); i++) {
        JsonNode product = products.get(i);
        Row row = rows.get(i);
        assertThat(row.getString(row.fieldIndex("sku"))).isEqualTo(product.get("sku").asText());
        assertThat(row.getString(row.fieldIndex("title"))).isEqualTo(product.get("title").asText());
        assertThat(row.getString(row.fieldIndex("category")))
            .isEqualTo(product.get("category").asText());
        assertThat(row.getDouble(row.fieldIndex("price")))
            .isEqualTo(product.get("price").asDouble());
      }
    } finally {
      spark.stop();
    }
  }
}
