package co.backprop.jobs.spark;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import co.backprop.jobs.LocalSpark;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The survey's proof of unique ids: it reads every id it vouches for exactly as the exact check
 * (Spark's from_json, {@link InputIds#textField}) reads it, and says "unsure" for the rest.
 */
class UniqueIdsTest {
  private static final List<String> LINES =
      List.of(
          "{\"id\": \"a-1\", \"text\": \"x\"}",
          "{\"text\": \"x\", \"id\": \"a-1\"}",
          "{\"id\": 42, \"text\": {\"nested\": [1, 2, {\"id\": 7}]}}",
          "{\"id\": -0}",
          "{\"id\": 12345678901234567890}",
          "{\"id\": \"\\u00e9t\\u00e9\"}",
          "{\"id\": \"été\"}",
          "{\"id\": null, \"text\": \"no id\"}",
          "{\"text\": \"no id field\"}",
          "{\"id\": 4.0}",
          "{\"id\": true}",
          "{\"id\": {\"a\": 1}}",
          "{\"id\": [1]}",
          "{\"id\": \"twice\", \"id\": \"again\"}",
          "{\"ID\": \"upper\"}",
          "{\"id\": \"a\", \"text\": ",
          "[{\"id\": \"in an array\"}]",
          "{\"id\": \"trailing\"} {\"id\": \"more\"}",
          "\"just a string\"",
          "{\"id\": NaN}");

  @RegisterExtension static final LocalSpark spark = new LocalSpark();

  @Test
  void everyIdItVouchesForIsTheOneTheExactCheckReads() {
    Dataset<Row> read =
        spark
            .session()
            .createDataset(LINES, Encoders.STRING())
            .toDF("line")
            .select(col("line"), InputIds.textField(col("line"), "id").as("id"));
    List<String> vouched = new ArrayList<>();
    for (Row row : read.collectAsList()) {
      String line = row.getString(0);
      String sparkId = row.isNullAt(1) ? null : row.getString(1);
      long hash = UniqueIds.idHash(line, "id");
      if (hash == UniqueIds.UNSURE) {
        continue;
      }
      vouched.add(line);
      assertThat(hash)
          .as(line + " (Spark reads " + sparkId + ")")
          .isEqualTo(sparkId == null ? UniqueIds.NO_ID : UniqueIds.hash(sparkId));
    }
    // Strings, integers and absent or null ids are read here; everything odd is left to Spark.
    assertThat(vouched).hasSize(9);
    for (String odd : LINES.subList(9, LINES.size())) {
      assertThat(UniqueIds.idHash(odd, "id")).as(odd).isEqualTo(UniqueIds.UNSURE);
    }
  }

  private static long[] hashes(String... lines) {
    UniqueIds.Collector collector = new UniqueIds.Collector("id", 100);
    for (String line : lines) {
      collector.add(line);
    }
    return collector.hashes();
  }

  @Test
  void uniqueOnlyWhenEveryPartitionVouchesAndNoHashRepeats() {
    long[] first = hashes("{\"id\": \"a\"}", "{\"id\": 1}", "{\"text\": \"none\"}");
    long[] second = hashes("{\"id\": \"b\"}", "{\"id\": null}", "{\"text\": \"none\"}");
    assertThat(first).hasSize(2);
    assertThat(UniqueIds.unique(List.of(first, second))).isTrue();
    // The same id in two partitions, and the integer 1 against the string "1".
    assertThat(UniqueIds.unique(List.of(first, hashes("{\"id\": \"a\"}")))).isFalse();
    assertThat(UniqueIds.unique(List.of(first, hashes("{\"id\": \"1\"}")))).isFalse();
    // A partition with a line it cannot read, or over its share, cannot vouch.
    assertThat(hashes("{\"id\": \"c\"}", "{\"id\": 2.5}")).isNull();
    UniqueIds.Collector small = new UniqueIds.Collector("id", 2);
    for (String id : List.of("x", "y", "z")) {
      small.add("{\"id\": \"" + id + "\"}");
    }
    assertThat(small.hashes()).isNull();
    assertThat(UniqueIds.unique(List.of(first, new long[0]))).isTrue();
    List<long[]> withUnsure = new ArrayList<>();
    withUnsure.add(first);
    withUnsure.add(null);
    assertThat(UniqueIds.unique(withUnsure)).isFalse();
  }

  @Test
  void hashesAreSpreadAndNeverTheMarkers() {
    java.util.Set<Long> seen = new java.util.HashSet<>();
    for (int i = 0; i < 200_000; i++) {
      long hash = UniqueIds.hash("p-" + i);
      assertThat(hash).isNotIn(UniqueIds.NO_ID, UniqueIds.UNSURE);
      seen.add(hash);
    }
    assertThat(seen).hasSize(200_000);
  }
}
