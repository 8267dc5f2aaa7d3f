package co.backprop.engines.runner;

import static org.assertj.core.api.Assertions.assertThat;

import co.backprop.contract.model.ModelCatalog;
import co.backprop.contract.model.ModelFiles;
import co.backprop.contract.model.ModelSpec;
import co.backprop.contract.model.ModelStore;
import co.backprop.contract.task.Task;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The models the catalog bundles are in the engines' classpath: every English text default but QA
 * runs offline.
 */
class BundledModelsTest {
  @TempDir Path store;

  @Test
  void everyEnglishTextDefaultButQaIsInstalledOutOfTheBox() {
    ModelCatalog catalog = ModelCatalog.bundled(new ModelStore(store));
    for (Task task :
        new Task[] {
          Task.TEXT_VECTORISATION, Task.TEXT_CLASSIFICATION, Task.EMOTION, Task.SUMMARISATION
        }) {
      ModelSpec spec = catalog.resolve(task, "english");
      assertThat(ModelFiles.isInstalled(spec)).as(task.apiName()).isTrue();
    }
    assertThat(ModelFiles.isInstalled(catalog.resolve(Task.QA, "english"))).isFalse();
  }
}
