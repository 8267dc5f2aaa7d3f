package co.backprop.common.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.backprop.common.task.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCatalogTest {
  private static ModelSpec spec(String location, String install) {
    return new ModelSpec(
        Task.TEXT_VECTORISATION,
        "custom",
        ModelKind.SENTENCE_EMBEDDING,
        "OnnxRuntime",
        null,
        location,
        new java.util.LinkedHashMap<>(Map.of("model", "model.onnx")) {
          {
            put("tokenizer", "tokenizer.json");
          }
        },
        null,
        install);
  }

  @Test
  void theBundledCatalogHasTheEmbeddedEnglishVectoriser() {
    ModelSpec english = ModelCatalog.bundled().resolve(Task.TEXT_VECTORISATION, null);
    assertThat(english.name()).isEqualTo("english");
    assertThat(english.kind()).isEqualTo(ModelKind.SENTENCE_EMBEDDING);
    assertThat(english.intOption("maxLength", 0)).isEqualTo(256);
    ModelFiles.requireInstalled(english);
  }

  @Test
  void anUnknownModelListsTheKnownNamesForItsTask() {
    assertThatThrownBy(() -> ModelCatalog.bundled().resolve(Task.TEXT_VECTORISATION, "klingon"))
        .isInstanceOf(ModelException.class)
        .hasMessage("unknown model 'klingon' for text-vectorisation; known models for text-vectorisation: english");
  }

  @Test
  void aMissingModelSaysWhereItLookedAndHowToInstallIt(@TempDir Path folder) throws Exception {
    Files.writeString(folder.resolve("tokenizer.json"), "{}");
    assertThatThrownBy(() -> ModelFiles.requireInstalled(spec(folder.toString(), "bin/backprop models fetch custom")))
        .isInstanceOf(ModelException.class)
        .hasMessage(
            "model text-vectorisation/custom is not installed: model.onnx not found in the folder "
                + folder.toAbsolutePath()
                + ". To install it: bin/backprop models fetch custom");
    assertThatThrownBy(() -> ModelFiles.requireInstalled(spec("classpath:nowhere/", "add the jar")))
        .hasMessageContaining("model.onnx, tokenizer.json not found in the classpath of this JVM (resource folder 'nowhere/')")
        .hasMessageEndingWith("To install it: add the jar");
  }

  @Test
  void aCatalogListingAModelTwiceIsRejected(@TempDir Path folder) throws Exception {
    String entry =
        "{\"task\":\"text-vectorisation\",\"name\":\"a\",\"kind\":\"sentence-embedding\",\"engine\":\"OnnxRuntime\","
            + "\"location\":\"classpath:\",\"files\":{\"model\":\"m.onnx\"}}";
    Path file = folder.resolve("models.json");
    Files.writeString(file, "{\"models\":[" + entry + "," + entry + "]}");
    assertThatThrownBy(() -> ModelCatalog.load(file)).hasMessage("the catalog lists text-vectorisation/a twice");
  }

  @Test
  void aCatalogWithABadKindSaysWhichKindsExist(@TempDir Path folder) throws Exception {
    Path file = folder.resolve("models.json");
    Files.writeString(
        file,
        "{\"models\":[{\"task\":\"text-vectorisation\",\"name\":\"a\",\"kind\":\"magic\",\"engine\":\"OnnxRuntime\","
            + "\"location\":\"classpath:\",\"files\":{}}]}");
    assertThatThrownBy(() -> ModelCatalog.load(file))
        .hasMessageContaining("is invalid")
        .hasMessageContaining("unknown model kind 'magic'; known kinds: sentence-embedding, zero-shot-embedding");
  }
}
