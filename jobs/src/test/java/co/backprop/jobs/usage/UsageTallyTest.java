package co.backprop.jobs.usage;

import static org.assertj.core.api.Assertions.assertThat;

import co.backprop.jobs.LocalSpark;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The tally of JSON-lines results read with a streaming parser gives exactly the groups Spark SQL's
 * JSON reader gives (the tally of every other format), on lines that could tell them apart.
 */
class UsageTallyTest {
  private static final List<String> LINES =
      List.of(
          "{\"id\":\"a\",\"account\":\"acme\",\"task\":\"text-vectorisation\",\"status\":\"ok\","
              + "\"model\":\"english\",\"device\":\"cpu\",\"compute_ms\":3.5,\"vector\":[0.1,0.2]}",
          "{\"vector\":[{\"status\":\"error\"}],\"compute_ms\":2,\"device\":\"cpu\","
              + "\"model\":\"english\",\"status\":\"ok\",\"task\":\"text-vectorisation\","
              + "\"account\":\"acme\",\"id\":\"b\"}",
          "{\"id\":\"c\",\"account\":\"acme\",\"task\":\"text-vectorisation\",\"status\":\"error\","
              + "\"error\":\"text: must be a string\",\"model\":\"english\",\"device\":null,"
              + "\"compute_ms\":null}",
          "{\"id\":\"d\",\"account\":\"zeta\",\"task\":\"emotion\",\"status\":\"ok\","
              + "\"model\":\"english-fast\",\"device\":\"gpu:0\",\"compute_ms\":1e3,"
              + "\"result\":{\"status\":\"nested\",\"model\":\"no\"}}",
          "{\"id\":\"e\",\"account\":\"acme\",\"task\":\"text-vectorisation\",\"status\":\"ok\","
              + "\"model\":\"english\",\"device\":\"cpu\"}",
          "{\"id\":\"f\",\"account\":\"acme\",\"task\":\"text-vectorisation\",\"status\":\"ok\","
              + "\"model\":\"english\",\"device\":\"cpu\",\"compute_ms\":0.25,\"extra\":{\"a\":[1,"
              + "{\"b\":null}]},\"truncated\":true}",
          "{\"id\":\"g\",\"account\":\"acme\",\"status\":\"ok\",\"model\":",
          "{\"id\":\"h\",\"account\":\"acme\",\"task\":\"text-vectorisation\",\"status\":\"ok\","
              + "\"model\":\"english\",\"device\":\"cpu\",\"compute_ms\":-0.0}");

  @RegisterExtension static final LocalSpark spark = new LocalSpark();

  private Dataset<Row> asSparkReadsThem() {
    StructType schema = new StructType();
    for (String column : List.of("status", "error", "model", "device", "account", "task")) {
      schema = schema.add(column, DataTypes.StringType);
    }
    schema = schema.add("compute_ms", DataTypes.DoubleType);
    return spark
        .session()
        .read()
        .schema(schema)
        .json(spark.session().createDataset(LINES, Encoders.STRING()));
  }

  private static List<String> sorted(List<UsageTally.Group> groups) {
    return groups.stream()
        .map(
            // sums in another order differ in the last bits
            g ->
                new UsageTally.Group(
                        g.status(),
                        g.account(),
                        g.task(),
                        g.model(),
                        g.device(),
                        g.rows(),
                        Math.round(g.computeMs() * 1e6) / 1e6)
                    .toString())
        .sorted(Comparator.naturalOrder())
        .toList();
  }

  @Test
  void linesGiveTheGroupsSparkSqlGives() {
    List<UsageTally.Group> bySql = UsageTally.groups(asSparkReadsThem(), null, null);
    List<UsageTally.Group> byLines =
        UsageTally.groups(
            new JavaSparkContext(spark.session().sparkContext()).parallelize(LINES, 3), null, null);

    assertThat(sorted(byLines)).isEqualTo(sorted(bySql));
    // What both agree on, spelled out: the nested "status" and "model" count for nothing, the
    // truncated line is in a group of its own with no status, and missing or null compute is 0.
    assertThat(byLines)
        .contains(
            new UsageTally.Group("ok", "acme", "text-vectorisation", "english", "cpu", 5, 5.75),
            new UsageTally.Group("error", "acme", "text-vectorisation", "english", null, 1, 0.0),
            new UsageTally.Group("ok", "zeta", "emotion", "english-fast", "gpu:0", 1, 1000.0),
            new UsageTally.Group(null, null, null, null, null, 1, 0.0))
        .hasSize(4);
  }

  @Test
  void tableResultsTakeTheJobsAccountAndTask() {
    List<UsageTally.Group> bySql = UsageTally.groups(asSparkReadsThem(), "acme", "emotion");
    List<UsageTally.Group> byLines =
        UsageTally.groups(
            new JavaSparkContext(spark.session().sparkContext()).parallelize(LINES, 2),
            "acme",
            "emotion");

    assertThat(sorted(byLines)).isEqualTo(sorted(bySql));
    assertThat(byLines).allSatisfy(g -> assertThat(g.account()).isEqualTo("acme"));
    assertThat(byLines).allSatisfy(g -> assertThat(g.task()).isEqualTo("emotion"));
  }

  @Test
  void noLinesNoGroups() {
    assertThat(
            UsageTally.groups(
                new JavaSparkContext(spark.session().sparkContext())
                    .parallelize(List.<String>of(), 2),
                null,
                null))
        .isEmpty();
  }
}
