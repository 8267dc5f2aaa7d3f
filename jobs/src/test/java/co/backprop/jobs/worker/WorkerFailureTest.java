package co.backprop.jobs.worker;

import static org.assertj.core.api.Assertions.assertThat;

import co.backprop.contract.job.InvalidJobException;
import co.backprop.contract.job.JobFailure;
import co.backprop.contract.job.JobField;
import co.backprop.contract.model.ModelException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

/** Whose a failed job's failure is, as the worker records it for the front door. */
class WorkerFailureTest {
  @Test
  void aModelThatCannotBeHadIsUnavailableEvenWhenSparkWrapsIt() {
    ModelException gone =
        new ModelException(ModelException.Kind.NOT_INSTALLED, "model moods: files not found");
    assertThat(Worker.failureOf(gone)).isEqualTo(JobFailure.MODEL_UNAVAILABLE);
    assertThat(Worker.failureOf(new RuntimeException("Job aborted", new RuntimeException(gone))))
        .isEqualTo(JobFailure.MODEL_UNAVAILABLE);
    assertThat(
            Worker.failureOf(
                new ModelException(ModelException.Kind.UNKNOWN_MODEL, "unknown model 'moods'")))
        .isEqualTo(JobFailure.MODEL_UNAVAILABLE);
  }

  @Test
  void aModelThatFailsWhileRunningOrABadCatalogIsTheServers() {
    assertThat(
            Worker.failureOf(
                new ModelException(ModelException.Kind.INFERENCE_FAILED, "generation failed")))
        .isEqualTo(JobFailure.SERVER);
    assertThat(Worker.failureOf(new ModelException(ModelException.Kind.BAD_CATALOG, "bad")))
        .isEqualTo(JobFailure.SERVER);
  }

  @Test
  void aMistakeInTheRequestIsTheClientsAndAnythingElseTheServers() {
    assertThat(
            Worker.failureOf(new InvalidJobException(JobField.INPUT, "the table does not exist")))
        .isEqualTo(JobFailure.REQUEST);
    assertThat(Worker.failureOf(new IllegalArgumentException("id_col: no such column")))
        .isEqualTo(JobFailure.REQUEST);
    assertThat(Worker.failureOf(new UncheckedIOException(new java.io.IOException("disk full"))))
        .isEqualTo(JobFailure.SERVER);
    assertThat(Worker.failureOf(new OutOfMemoryError())).isEqualTo(JobFailure.SERVER);
  }
}
