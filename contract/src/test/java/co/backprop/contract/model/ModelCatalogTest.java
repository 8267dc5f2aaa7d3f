package co.backprop.contract.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.backprop.contract.task.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCatalogTest {
  @TempDir Path store;

  private ModelCatalog catalog() {
    return ModelCatalog.bundled(new ModelStore(store));
  }

  @Test
  void theBundledCatalogServesEveryEnglishTextDefaultButQaFromTheJar() {
    ModelSpec english = catalog().resolve(Task.TEXT_VECTORISATION, null);
    assertThat(english.name()).isEqualTo("english");
    assertThat(english.kind()).isEqualTo(ModelKind.SENTENCE_EMBEDDING);
    assertThat(english.intOption("maxLength", 0)).isEqualTo(256);
    for (Task task :
        new Task[] {
          Task.TEXT_VECTORISATION, Task.TEXT_CLASSIFICATION, Task.EMOTION, Task.SUMMARISATION
        }) {
      ModelSpec spec = catalog().resolve(task, "english");
      assertThat(spec.artifact()).as(task.apiName()).isEqualTo("all-minilm-l6-v2");
      assertThat(spec.location()).as(task.apiName()).startsWith("classpath:");
    }
    // The files themselves are in the engines' jar: engines' BundledModelsTest checks they are
    // there.
    assertThat(ModelFiles.isInstalled(catalog().resolve(Task.QA, "english"))).isFalse();
  }

  @Test
  void anUnknownModelListsTheKnownNamesForItsTask() {
    assertThatThrownBy(() -> catalog().resolve(Task.TEXT_CLASSIFICATION, "klingon"))
        .isInstanceOf(ModelException.class)
        .hasMessage(
            "unknown model 'klingon' for text-classification; known models for text-classification:"
                + " english, english-fast, english-nli, multilingual");
  }

  @Test
  void aModelNotFetchedSaysWhereItLookedAndTheCommandThatFetchesIt() {
    ModelSpec qa = catalog().resolve(Task.QA, "english");
    Path folder = store.resolve("distilbert-base-cased-distilled-squad");
    assertThatThrownBy(() -> ModelFiles.requireInstalled(qa))
        .isInstanceOf(ModelException.class)
        .hasMessage(
            "model qa/english is not installed: model.onnx, tokenizer.json, config.json not found"
                + " in the folder "
                + folder
                + ". To install it: bin/backprop models fetch distilbert-base-cased-distilled-squad"
                + " --model-store "
                + store);
  }

  @Test
  void aNameIsServedByTheModelItPrefersOnceThatIsInstalled() throws IOException {
    assertThat(catalog().resolve(Task.TEXT_CLASSIFICATION, "english").kind())
        .isEqualTo(ModelKind.ZERO_SHOT_EMBEDDING);
    Path nli = Files.createDirectories(store.resolve("nli-deberta-v3-xsmall"));
    for (String file : new String[] {"model.onnx", "tokenizer.json", "config.json"}) {
      Files.writeString(nli.resolve(file), "{}");
    }
    ModelSpec served = catalog().resolve(Task.TEXT_CLASSIFICATION, "english");
    assertThat(served.name()).isEqualTo("english-nli");
    assertThat(served.kind()).isEqualTo(ModelKind.NLI_ZERO_SHOT);
    assertThat(served.location()).isEqualTo(nli.toString());
  }

  private ModelCatalog load(String json) throws IOException {
    Path file = store.resolve("models.json");
    Files.writeString(file, json.replace('\'', '"'));
    return ModelCatalog.load(file, new ModelStore(store));
  }

  private static final String ARTIFACT =
      "'artifacts': {'a': {'location': 'classpath:', 'files': {'model': 'm.onnx'}}}";

  @Test
  void aCatalogListingAModelTwiceIsRejected() {
    String entry =
        "{'task': 'text-vectorisation', 'name': 'x', 'kind': 'sentence-embedding', 'artifact':"
            + " 'a'}";
    assertThatThrownBy(() -> load("{" + ARTIFACT + ", 'models': [" + entry + ", " + entry + "]}"))
        .hasMessage("the catalog lists text-vectorisation/x twice");
  }

  @Test
  void aModelOnAnArtifactTheCatalogDoesNotListIsRejected() {
    assertThatThrownBy(
            () ->
                load(
                    "{"
                        + ARTIFACT
                        + ", 'models': [{'task': 'qa', 'name': 'x', 'kind': 'extractive-qa',"
                        + " 'artifact': 'b'}]}"))
        .hasMessage("qa/x runs on the artifact 'b', which the catalog does not list");
  }

  @Test
  void aCatalogWithABadKindSaysWhichKindsExist() {
    assertThatThrownBy(
            () ->
                load(
                    "{"
                        + ARTIFACT
                        + ", 'models': [{'task': 'qa', 'name': 'x', 'kind': 'magic', 'artifact':"
                        + " 'a'}]}"))
        .hasMessageContaining("is invalid")
        .hasMessageContaining(
            "unknown model kind 'magic'; known kinds: sentence-embedding, zero-shot-embedding");
  }
}
