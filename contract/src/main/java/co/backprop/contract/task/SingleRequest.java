package co.backprop.contract.task;

/**
 * One single-variant request of one task: the unit the pipeline runs. Batch-variant bodies are
 * exploded into several of these (see {@link TaskBody}).
 */
public sealed interface SingleRequest
    permits TextRequest,
        QaRequest,
        ClassificationRequest,
        ImageClassificationRequest,
        GenerationRequest {

  /** The model named by the body, or null when it names none. */
  String model();
}
