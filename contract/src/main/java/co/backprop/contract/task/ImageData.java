package co.backprop.contract.task;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * A base64 image of a request: its bytes, and its size read from the header alone, so an image too
 * large to decode is refused before anything decodes it.
 */
public final class ImageData {
  /** Width and height from the header. */
  public record Size(int width, int height) {}

  private ImageData() {}

  /** The bytes of a base64 PNG or JPEG, with or without a {@code data:image/...;base64,} prefix. */
  public static byte[] bytes(String field, String image) {
    String payload = image.strip();
    if (payload.startsWith("data:")) {
      int comma = payload.indexOf(',');
      if (comma < 0 || !payload.substring(0, comma).endsWith(";base64")) {
        throw new InvalidRequestException(
            field, "is a data URL but not a base64 one (data:image/png;base64,...)");
      }
      payload = payload.substring(comma + 1);
    }
    // A base64 character carries 6 bits: refuse before decoding what would be too many bytes.
    if (payload.length() / 4L * 3 > RequestLimits.IMAGE_BYTES + 3L) {
      throw new InvalidRequestException(
          field,
          "must be at most "
              + RequestLimits.IMAGE_BYTES
              + " bytes but is about "
              + payload.length() / 4L * 3);
    }
    try {
      // Line breaks are common in pasted base64; anything else that is not base64 is an error.
      return Base64.getDecoder().decode(payload.replaceAll("\\s", ""));
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(field, "is not valid base64: " + e.getMessage());
    }
  }

  /** The image's size from its header, checked against the limits; not an image is an error. */
  public static Size size(String field, byte[] bytes) {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
      if (readers == null || !readers.hasNext()) {
        throw new InvalidRequestException(
            field,
            "is not a PNG or JPEG image (" + bytes.length + " bytes that no image reader knows)");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        Size size = new Size(reader.getWidth(0), reader.getHeight(0));
        if (size.width() > RequestLimits.IMAGE_SIDE
            || size.height() > RequestLimits.IMAGE_SIDE
            || (long) size.width() * size.height() > RequestLimits.IMAGE_PIXELS) {
          throw new InvalidRequestException(
              field,
              "is "
                  + size.width()
                  + "×"
                  + size.height()
                  + " pixels; images may have at most "
                  + RequestLimits.IMAGE_SIDE
                  + " on a side and "
                  + RequestLimits.IMAGE_PIXELS
                  + " pixels in all");
        }
        return size;
      } finally {
        reader.dispose();
      }
    } catch (IOException e) {
      throw new InvalidRequestException(field, "could not be read as an image: " + e.getMessage());
    }
  }
}
