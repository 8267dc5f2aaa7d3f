package co.backprop.jobs;

import static co.backprop.jobs.JobTestSupport.readJsonLines;
import static co.backprop.jobs.JobTestSupport.writeLines;
import static org.assertj.core.api.Assertions.assertThat;

import co.backprop.contract.task.Task;
import co.backprop.engines.pipeline.ComputeBudget;
import co.backprop.jobs.usage.UsageTally.Usage;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An executor JVM killed (SIGKILL) while the job runs, on local-cluster: Spark retries its tasks
 * elsewhere and the output still holds every id exactly once, billed once.
 */
class ExecutorLossTest {
  private static final int ROWS = 3000;

  @TempDir Path work;

  private JobOptions.Builder options(Path input, String output) {
    return JobOptions.builder(input.toString(), work.resolve(output).toString())
        .optTask(Task.TEXT_VECTORISATION)
        .optIdColumn("id")
        .optAccount("acme")
        .optPartitions(12);
  }

  /** The executor JVMs this JVM's local-cluster workers started. */
  private static List<ProcessHandle> executors() {
    return ProcessHandle.current().descendants().filter(ExecutorLossTest::isExecutor).toList();
  }

  /** From /proc: ProcessHandle's command line is cut short for a long classpath. */
  private static boolean isExecutor(ProcessHandle process) {
    try {
      return Files.readString(
              Path.of("/proc", Long.toString(process.pid()), "cmdline"),
              StandardCharsets.ISO_8859_1)
          .contains("CoarseGrainedExecutorBackend");
    } catch (IOException e) {
      return false; // gone already
    }
  }

  @Test
  void aKilledExecutorLosesNoRowAndBillsNoRowTwice() throws Exception {
    Path input =
        writeLines(
            work.resolve("rows.jsonl"),
            IntStream.range(0, ROWS)
                .mapToObj(
                    i ->
                        "{\"id\": \"r"
                            + i
                            + "\", \"text\": \"Row "
                            + i
                            + " describes a product with "
                            + "several words ".repeat(1 + i % 5)
                            + "\"}")
                .toArray(String[]::new));

    SparkSession cluster = LocalClusterJobTest.clusterSpark();
    JobSummary survived;
    List<Long> killed;
    try {
      AtomicLong done = new AtomicLong();
      CompletableFuture<JobSummary> job =
          CompletableFuture.supplyAsync(
              () ->
                  new BatchJob(
                          cluster,
                          options(input, "cluster").build(),
                          BatchJob.catalog(options(input, "x").build()),
                          (rows, total) -> done.set(rows),
                          ComputeBudget.Unlimited.INSTANCE)
                      .run());
      // Kill one executor once real work is under way, well before the end.
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (done.get() < 200 && !job.isDone() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(done.get())
          .as("rows done when the executor is killed")
          .isBetween(200L, ROWS - 500L);
      List<ProcessHandle> executors = executors();
      assertThat(executors).hasSize(2);
      killed = List.of(executors.get(0).pid());
      executors.get(0).destroyForcibly();
      survived = job.get(5, TimeUnit.MINUTES);
    } finally {
      cluster.stop();
    }

    assertThat(survived.ok()).isEqualTo(ROWS);
    List<JsonNode> rows = readJsonLines(survived.resultsPath());
    Map<String, Long> perId =
        rows.stream()
            .collect(Collectors.groupingBy(r -> r.get("id").asText(), Collectors.counting()));
    assertThat(perId).hasSize(ROWS);
    assertThat(perId.values()).containsOnly(1L);
    // The lost executor's tasks ran again on a new one: more loads than executors alive at the end.
    System.out.println(
        "executor killed: pid " + killed + "; model loads: " + survived.modelLoads());
    assertThat(survived.modelLoads()).hasSizeGreaterThanOrEqualTo(3);

    SparkSession local = JobTestSupport.localSpark();
    JobSummary clean;
    try {
      clean = new BatchJob(local, options(input, "clean").build()).run();
    } finally {
      local.stop();
    }
    assertThat(survived.usage())
        .extracting(Usage::account, Usage::task, Usage::model, Usage::requests)
        .containsExactlyElementsOf(
            clean.usage().stream()
                .map(
                    u ->
                        org.assertj.core.groups.Tuple.tuple(
                            u.account(), u.task(), u.model(), u.requests()))
                .toList());
    assertThat(clean.usage().get(0).requests()).isEqualTo(ROWS);
  }
}
