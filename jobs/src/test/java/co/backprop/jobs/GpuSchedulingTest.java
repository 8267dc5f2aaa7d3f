package co.backprop.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.backprop.contract.model.ModelCatalog;
import co.backprop.contract.model.ModelException;
import co.backprop.contract.model.ModelSpec;
import co.backprop.contract.task.Task;
import co.backprop.engines.runner.ModelCache;
import co.backprop.engines.runner.RunnerOptions;
import co.backprop.jobs.spark.GpuScheduling;
import co.backprop.jobs.spark.GpuUnavailableException;
import co.backprop.jobs.spark.SparkSessions;
import co.backprop.jobs.spark.TaskDevices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GPU scheduling without a GPU: one executor JVM with two cores and two fake GPUs (a discovery
 * script that prints addresses 0 and 1), one GPU per task. Tasks must see their address and pick
 * that device, and since no engine here has CUDA the job must refuse to start, saying why.
 */
class GpuSchedulingTest {
  @TempDir static Path work;

  private static SparkSession cluster;

  @BeforeAll
  static void startClusterWithFakeGpus() throws IOException {
    Path script = work.resolve("fake-gpus.sh");
    Files.writeString(
        script, "#!/bin/sh\necho '{\"name\": \"gpu\", \"addresses\": [\"0\", \"1\"]}'\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    LocalClusterJobTest.prepareSparkHome();
    cluster =
        SparkSessions.create(
            "backprop gpu scheduling test",
            "local-cluster[1,2,1024]",
            Map.of(
                "spark.executor.extraClassPath",
                System.getProperty("java.class.path"),
                "spark.executor.extraJavaOptions",
                System.getProperty("backprop.addOpens")
                    + " -Dai.djl.offline=true -Dlog4j2.configurationFile=log4j2-test.properties",
                "spark.executor.memory",
                "1g",
                "spark.ui.enabled",
                "false",
                "spark.worker.resource.gpu.amount",
                "2",
                "spark.worker.resource.gpu.discoveryScript",
                script.toString(),
                "spark.executor.resource.gpu.amount",
                "2",
                "spark.executor.resource.gpu.discoveryScript",
                script.toString(),
                GpuScheduling.TASK_AMOUNT,
                "1"));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.stop();
    }
  }

  @Test
  void concurrentTasksSeeTheirOwnGpuAndPickThatDevice() {
    JavaSparkContext context = JavaSparkContext.fromSparkContext(cluster.sparkContext());
    List<String> seen =
        context
            .parallelize(IntStream.range(0, 8).boxed().toList(), 8)
            .map(
                i -> {
                  Thread.sleep(300); // keep both slots busy at once
                  return TaskDevices.gpuAddress(TaskContext.get())
                      + "->"
                      + TaskDevices.device(TaskContext.get());
                })
            .collect();
    assertThat(seen)
        .hasSize(8)
        .containsOnly("0->gpu:0", "1->gpu:1")
        .contains("0->gpu:0", "1->gpu:1");
  }

  @Test
  void aModelAskedForATasksGpuWithoutCudaFailsNamingTheDeviceAndTheFix() {
    ModelSpec spec = ModelCatalog.bundled().resolve(Task.TEXT_VECTORISATION, "english");
    JavaSparkContext context = JavaSparkContext.fromSparkContext(cluster.sparkContext());
    List<String> errors =
        context
            .parallelize(List.of(0, 1), 2)
            .map(
                i -> {
                  RunnerOptions options =
                      RunnerOptions.cpu(1).onDevice(TaskDevices.device(TaskContext.get()));
                  try {
                    ModelCache.get(spec, options, () -> {});
                    return "loaded on " + options.device();
                  } catch (ModelException e) {
                    return e.getMessage();
                  }
                })
            .collect();
    assertThat(errors)
        .allSatisfy(
            error ->
                assertThat(error)
                    .startsWith("model text-vectorisation/english: this task was given gpu:")
                    .contains("the OnnxRuntime engine in this executor sees 0 GPUs")
                    .contains("does not fall back to the CPU")
                    .contains("onnxruntime_gpu")
                    .contains("docs/gpu.md"));
  }

  @Test
  void aJobGivenGpusItCannotUseStopsBeforeAnyWork() {
    Path input =
        JobTestSupport.writeLines(work.resolve("in.jsonl"), "{\"id\": 1, \"text\": \"hello\"}");
    JobOptions options =
        JobOptions.builder(input.toString(), work.resolve("out").toString())
            .optTask(Task.TEXT_VECTORISATION)
            .optIdColumn("id")
            .build();
    assertThatThrownBy(() -> new BatchJob(cluster, options).run())
        .isInstanceOf(GpuUnavailableException.class)
        .isInstanceOf(
            co.backprop.contract.UserError.class) // the command line prints it as one line, exit 2
        .hasMessageStartingWith(
            "GPU check failed before any model ran (spark.task.resource.gpu.amount=1)")
        .hasMessageContaining("this task was given gpu:")
        .hasMessageContaining("sees 0 GPUs");
    assertThat(work.resolve("out/results")).doesNotExist();
  }

  @Test
  void gpuSettingsWithALocalMasterAreRefusedInsteadOfHanging() {
    assertThatThrownBy(
            () -> SparkSessions.create("x", "local[2]", Map.of(GpuScheduling.TASK_AMOUNT, "0.5")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("need a cluster master")
        .hasMessageContaining("local[2]");
  }
}
