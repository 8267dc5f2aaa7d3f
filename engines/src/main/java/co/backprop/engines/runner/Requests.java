package co.backprop.engines.runner;

import co.backprop.contract.task.ClassificationRequest;
import co.backprop.contract.task.QaRequest;
import co.backprop.contract.task.SingleRequest;
import co.backprop.contract.task.TextRequest;

/** What runners read from requests, with one message for a request of the wrong task. */
final class Requests {
  private Requests() {}

  /**
   * The text of a text-only request (vectorisation, summarisation, emotion) or a classification.
   */
  static String text(SingleRequest request) {
    if (request instanceof TextRequest text) {
      return text.text();
    }
    if (request instanceof ClassificationRequest classification) {
      return classification.text();
    }
    throw wrongKind(request);
  }

  static QaRequest qa(SingleRequest request) {
    if (request instanceof QaRequest qa) {
      return qa;
    }
    throw wrongKind(request);
  }

  static IllegalArgumentException wrongKind(SingleRequest request) {
    return new IllegalArgumentException(
        "this model cannot run a " + request.getClass().getSimpleName());
  }
}
