package co.backprop.jobs;

import static co.backprop.jobs.JobTestSupport.readJsonLines;
import static co.backprop.jobs.JobTestSupport.vector;
import static co.backprop.jobs.JobTestSupport.writeLines;
import static org.assertj.core.api.Assertions.assertThat;

import co.backprop.contract.task.Task;
import co.backprop.jobs.spark.SparkSessions;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on executors that are separate JVMs (Spark's local-cluster master): what local mode hides
 * — serialisation of the plan and the row functions, one model load per executor JVM — shows here.
 */
class LocalClusterJobTest {
  @TempDir Path work;

  /** local-cluster starts executors through a Spark "installation": a RELEASE file and no jars. */
  static String prepareSparkHome() throws IOException {
    Path home = Path.of(System.getProperty("backprop.sparkHome"));
    Files.createDirectories(home.resolve("jars"));
    Files.writeString(
        home.resolve("RELEASE"),
        "Spark 4.0.1 (test installation: executors get the test classpath)\n");
    return home.toString();
  }

  static SparkSession clusterSpark() throws IOException {
    prepareSparkHome();
    String javaOptions =
        System.getProperty("backprop.addOpens")
            + " -Dai.djl.offline=true -Dlog4j2.configurationFile=log4j2-test.properties";
    return SparkSessions.create(
        "backprop local-cluster test",
        "local-cluster[2,1,1024]",
        Map.of(
            "spark.executor.extraClassPath",
            System.getProperty("java.class.path"),
            "spark.executor.extraJavaOptions",
            javaOptions,
            "spark.executor.memory",
            "1g",
            "spark.ui.enabled",
            "false"));
  }

  private JobSummary vectorise(SparkSession spark, Path input, String output) {
    JobOptions options =
        JobOptions.builder(input.toString(), work.resolve(output).toString())
            .optTask(Task.TEXT_VECTORISATION)
            .optIdColumn("id")
            .optPartitions(6)
            .build();
    return new BatchJob(spark, options).run();
  }

  @Test
  void separateExecutorJvmsLoadTheModelOnceEachAndGiveTheSameVectorsAsLocalMode()
      throws IOException {
    Path input =
        writeLines(
            work.resolve("sentences.jsonl"),
            IntStream.range(0, 60)
                .mapToObj(
                    i ->
                        "{\"id\": "
                            + i
                            + ", \"text\": \"Sentence "
                            + i
                            + " about "
                            + "things ".repeat(i % 7)
                            + "\"}")
                .toArray(String[]::new));

    SparkSession cluster = clusterSpark();
    JobSummary onCluster;
    try {
      onCluster = vectorise(cluster, input, "cluster");
    } finally {
      cluster.stop();
    }
    SparkSession local = JobTestSupport.localSpark();
    JobSummary onLocal;
    try {
      onLocal = vectorise(local, input, "local");
    } finally {
      local.stop();
    }

    assertThat(onCluster.ok()).isEqualTo(60);
    List<JsonNode> clusterRows = readJsonLines(onCluster.resultsPath());
    List<JsonNode> localRows = readJsonLines(onLocal.resultsPath());
    assertThat(clusterRows)
        .extracting(r -> r.get("id").asInt())
        .containsExactlyElementsOf(IntStream.range(0, 60).boxed().toList());
    for (int i = 0; i < 60; i++) {
      assertThat(vector(clusterRows.get(i)))
          .containsExactly(vector(localRows.get(i)), org.assertj.core.api.Assertions.within(1e-5f));
    }

    // Two executor JVMs, each loaded the model exactly once, and neither is this JVM.
    List<String> loads = onCluster.modelLoads();
    System.out.println("local-cluster model loads: " + loads);
    assertThat(loads).hasSize(2);
    assertThat(loads)
        .extracting(l -> l.replaceAll(".* on executor (\\S+) .*", "$1"))
        .containsExactlyInAnyOrder("0", "1");
    List<String> pids =
        loads.stream().map(l -> l.replaceAll(".*\\(pid (\\d+)\\)", "$1")).distinct().toList();
    assertThat(pids).hasSize(2).doesNotContain(Long.toString(ProcessHandle.current().pid()));
  }
}
