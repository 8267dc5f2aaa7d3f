package co.backprop.contract.task;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** The body of image-classification: a base64 image (optionally a data URL) and labels. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ImageClassificationRequest(String image, List<String> labels, String model)
    implements SingleRequest {
  public ImageClassificationRequest {
    requireNonNull(image, "image is null");
    labels = List.copyOf(requireNonNull(labels, "labels is null"));
  }
}
