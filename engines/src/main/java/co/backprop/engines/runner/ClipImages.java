package co.backprop.engines.runner;

import co.backprop.contract.task.ImageData;
import co.backprop.contract.task.InvalidRequestException;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

/** Base64 images in, CLIP's pixel_values out: resize, centre crop, normalise, channels first. */
public final class ClipImages {
  /** CLIP's normalisation (openai/clip-vit-*), per RGB channel. */
  static final float[] MEAN = {0.48145466f, 0.4578275f, 0.40821073f};

  static final float[] STD = {0.26862954f, 0.26130258f, 0.27577711f};

  private ClipImages() {}

  /** Decodes a base64 PNG or JPEG, with or without a {@code data:image/...;base64,} prefix. */
  public static BufferedImage decode(String image) {
    byte[] bytes = ImageData.bytes("image", image);
    ImageData.size("image", bytes); // within the limits before it is decoded
    try {
      BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(bytes));
      if (decoded == null) {
        throw new InvalidRequestException(
            "image",
            "is not a PNG or JPEG image (" + bytes.length + " bytes that no image reader knows)");
      }
      return decoded;
    } catch (IOException e) {
      throw new InvalidRequestException("image", "could not be decoded: " + e.getMessage());
    }
  }

  /**
   * As CLIP's processor: shortest side resized to {@code size} (bicubic), centre crop to size×size,
   * RGB scaled to [0, 1] and normalised per channel, laid out [3, size, size].
   */
  public static float[] pixelValues(BufferedImage image, int size) {
    int width = image.getWidth();
    int height = image.getHeight();
    // Resize-then-crop, done as crop-then-resize: only the source window that lands in the crop is
    // scaled, so a long thin image never becomes a huge intermediate one.
    double scale = (double) size / Math.min(width, height);
    double window = size / scale;
    double left = (width - window) / 2.0;
    double top = (height - window) / 2.0;
    BufferedImage cropped = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D graphics = cropped.createGraphics();
    graphics.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
    graphics.drawImage(
        image,
        0,
        0,
        size,
        size,
        (int) Math.round(left),
        (int) Math.round(top),
        (int) Math.round(left + window),
        (int) Math.round(top + window),
        null);
    graphics.dispose();
    float[] pixels = new float[3 * size * size];
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int rgb = cropped.getRGB(x, y);
        int[] channels = {(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff};
        for (int c = 0; c < 3; c++) {
          pixels[(c * size + y) * size + x] = (channels[c] / 255f - MEAN[c]) / STD[c];
        }
      }
    }
    return pixels;
  }
}
