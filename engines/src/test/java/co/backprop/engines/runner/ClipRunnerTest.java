package co.backprop.engines.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import co.backprop.contract.model.ModelKind;
import co.backprop.contract.task.ImageClassificationRequest;
import co.backprop.contract.task.InvalidRequestException;
import co.backprop.contract.task.Task;
import co.backprop.contract.task.TaskOutput;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The fixture CLIP: logits_per_image = 10 × (mean normalised R, G, B of the image) · (colour of the
 * label word: red (1,0,0), blue (0,0,1), ...). Images are real PNG and JPEG files made here.
 */
class ClipRunnerTest {
  private static String encode(Color color, String format, int width, int height)
      throws IOException {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D graphics = image.createGraphics();
    graphics.setColor(color);
    graphics.fillRect(0, 0, width, height);
    graphics.dispose();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(image, format, bytes);
    return Base64.getEncoder().encodeToString(bytes.toByteArray());
  }

  private static List<TaskOutput> run(ImageClassificationRequest... requests) {
    try (ClipRunner runner =
        Fixtures.runner(
            Fixtures.spec(Task.IMAGE_CLASSIFICATION, "clip-tiny", ModelKind.CLIP, Map.of()))) {
      return runner.run(List.of(requests).stream().map(runner::prepare).toList());
    }
  }

  private static double normalised(int value, int channel) {
    return (value / 255.0 - ClipImages.MEAN[channel]) / ClipImages.STD[channel];
  }

  @Test
  void probabilitiesAreASoftmaxOverTheRowsOwnLabels() throws IOException {
    String purple = "data:image/png;base64," + encode(new Color(200, 0, 180), "png", 64, 48);
    String red = encode(Color.RED, "jpg", 300, 200);
    List<TaskOutput> outputs =
        run(
            new ImageClassificationRequest(purple, List.of("red", "blue"), null),
            new ImageClassificationRequest(red, List.of("green", "red", "blue"), null));

    double redLogit = 10 * normalised(200, 0);
    double blueLogit = 10 * normalised(180, 2);
    Map<String, Double> first = ((TaskOutput.Probabilities) outputs.get(0)).values();
    assertThat(first.keySet()).containsExactly("red", "blue");
    assertThat(first.get("red")).isCloseTo(1 / (1 + Math.exp(blueLogit - redLogit)), within(1e-4));
    assertThat(first.get("red") + first.get("blue")).isCloseTo(1.0, within(1e-9));
    Map<String, Double> second = ((TaskOutput.Probabilities) outputs.get(1)).values();
    assertThat(second.keySet()).containsExactly("green", "red", "blue");
    assertThat(second.get("red")).isGreaterThan(0.999);
    assertThat(second.values().stream().mapToDouble(Double::doubleValue).sum())
        .isCloseTo(1.0, within(1e-9));
  }

  @Test
  void anImageThatCannotBeDecodedIsAnErrorNamingTheField() {
    assertThatThrownBy(
            () -> run(new ImageClassificationRequest("not base64 at all!", List.of("red"), null)))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageStartingWith("image: is not valid base64");
    String text = Base64.getEncoder().encodeToString("just some text".getBytes());
    assertThatThrownBy(() -> run(new ImageClassificationRequest(text, List.of("red"), null)))
        .hasMessage("image: is not a PNG or JPEG image (14 bytes that no image reader knows)");
    assertThatThrownBy(
            () -> run(new ImageClassificationRequest("data:image/png,abc", List.of("red"), null)))
        .hasMessage("image: is a data URL but not a base64 one (data:image/png;base64,...)");
  }
}
