package co.backprop.contract.task;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Parses and validates a Backprop API body of one task. A body-level problem (missing field, wrong
 * shape, lists of different lengths) throws {@link InvalidRequestException}; a problem with one
 * item of a batch marks that item invalid and keeps the others.
 */
public final class TaskBodyParser {
  private static final Set<String> TEXT_FIELDS = fields("text", "model");
  private static final Set<String> CLASSIFICATION_FIELDS = fields("text", "labels", "model");
  private static final Set<String> IMAGE_FIELDS = fields("image", "labels", "model");
  private static final Set<String> QA_FIELDS =
      fields("question", "context", "prev_q", "prev_a", "model");
  private static final Set<String> GENERATION_FIELDS =
      fields(
          "text",
          "min_length",
          "max_length",
          "temperature",
          "top_k",
          "top_p",
          "repetition_penalty",
          "length_penalty",
          "num_beams",
          "num_generations",
          "seed",
          "model");

  private TaskBodyParser() {}

  /** The body fields of a task, as the seed names them, {@code model} last. */
  public static Set<String> fieldsOf(Task task) {
    return switch (task) {
      case TEXT_VECTORISATION, SUMMARISATION, EMOTION -> TEXT_FIELDS;
      case TEXT_CLASSIFICATION -> CLASSIFICATION_FIELDS;
      case IMAGE_CLASSIFICATION -> IMAGE_FIELDS;
      case QA -> QA_FIELDS;
      case TEXT_GENERATION -> GENERATION_FIELDS;
    };
  }

  public static TaskBody parse(Task task, JsonNode body) {
    return switch (task) {
      case TEXT_VECTORISATION, SUMMARISATION, EMOTION -> parseText(task, body);
      case TEXT_CLASSIFICATION -> parseClassification(body);
      case IMAGE_CLASSIFICATION -> parseImageClassification(body);
      case QA -> parseQa(body);
      case TEXT_GENERATION -> parseGeneration(body);
    };
  }

  private static TaskBody parseText(Task task, JsonNode body) {
    BodyFields fields = new BodyFields(body, TEXT_FIELDS);
    String model = fields.optionalString("model");
    return textOrBatch(task, fields, "text", text -> new TextRequest(text, model));
  }

  private static TaskBody parseClassification(JsonNode body) {
    BodyFields fields = new BodyFields(body, CLASSIFICATION_FIELDS);
    String model = fields.optionalString("model");
    JsonNode text = fields.required("text");
    if (text.isArray()) {
      int size = requireNonEmptyList("text", text);
      JsonNode labels = fields.listOf("labels", size, "list of labels");
      if (labels == null) {
        throw new InvalidRequestException("labels", "is required");
      }
      return batch(
          Task.TEXT_CLASSIFICATION,
          size,
          i ->
              new ClassificationRequest(
                  BodyFields.string("text[" + i + "]", text.get(i)),
                  BodyFields.labels("labels[" + i + "]", labels.get(i)),
                  model));
    }
    String single = singleString("text", text);
    return single(
        Task.TEXT_CLASSIFICATION,
        new ClassificationRequest(
            single, BodyFields.labels("labels", fields.get("labels")), model));
  }

  private static TaskBody parseImageClassification(JsonNode body) {
    BodyFields fields = new BodyFields(body, IMAGE_FIELDS);
    String model = fields.optionalString("model");
    JsonNode image = fields.required("image");
    if (!image.isTextual()) {
      throw new InvalidRequestException(
          "image", "must be a string (a base64 image) but got " + Json.describe(image));
    }
    if (image.textValue().isBlank()) {
      throw new InvalidRequestException("image", "must not be empty");
    }
    // Its size from the header: an image too large to decode is refused before anything decodes it.
    ImageData.size("image", ImageData.bytes("image", image.textValue()));
    return single(
        Task.IMAGE_CLASSIFICATION,
        new ImageClassificationRequest(
            image.textValue(), BodyFields.labels("labels", fields.get("labels")), model));
  }

  private static TaskBody parseQa(JsonNode body) {
    BodyFields fields = new BodyFields(body, QA_FIELDS);
    String model = fields.optionalString("model");
    JsonNode question = fields.required("question");
    if (question.isArray()) {
      int size = requireNonEmptyList("question", question);
      JsonNode context = fields.listOf("context", size, "context");
      if (context == null) {
        throw new InvalidRequestException("context", "is required");
      }
      JsonNode previousQuestions = fields.listOf("prev_q", size, "list of previous questions");
      JsonNode previousAnswers = fields.listOf("prev_a", size, "list of previous answers");
      return batch(
          Task.QA,
          size,
          i ->
              qa(
                  BodyFields.string("question[" + i + "]", question.get(i)),
                  BodyFields.string("context[" + i + "]", context.get(i)),
                  previousQuestions == null ? null : previousQuestions.get(i),
                  previousAnswers == null ? null : previousAnswers.get(i),
                  "[" + i + "]",
                  model));
    }
    return single(
        Task.QA,
        qa(
            singleString("question", question),
            BodyFields.string("context", fields.get("context")),
            fields.get("prev_q"),
            fields.get("prev_a"),
            "",
            model));
  }

  private static QaRequest qa(
      String question,
      String context,
      JsonNode previousQuestions,
      JsonNode previousAnswers,
      String index,
      String model) {
    List<String> questions =
        previousQuestions == null
            ? null
            : BodyFields.stringList("prev_q" + index, previousQuestions);
    List<String> answers =
        previousAnswers == null ? null : BodyFields.stringList("prev_a" + index, previousAnswers);
    int questionCount = questions == null ? 0 : questions.size();
    int answerCount = answers == null ? 0 : answers.size();
    if (questionCount != answerCount) {
      throw new InvalidRequestException(
          "prev_a" + index,
          "must have one answer per question of prev_q"
              + index
              + " ("
              + questionCount
              + " questions, "
              + answerCount
              + " answers)");
    }
    return new QaRequest(question, context, questions, answers, model);
  }

  private static TaskBody parseGeneration(JsonNode body) {
    BodyFields fields = new BodyFields(body, GENERATION_FIELDS);
    String model = fields.optionalString("model");
    GenerationParameters parameters = generationParameters(fields);
    return textOrBatch(
        Task.TEXT_GENERATION,
        fields,
        "text",
        text -> new GenerationRequest(text, parameters, model));
  }

  private static GenerationParameters generationParameters(BodyFields fields) {
    GenerationParameters parameters =
        new GenerationParameters(
            fields.optionalInteger("min_length"),
            fields.optionalInteger("max_length"),
            fields.optionalNumber("temperature"),
            fields.optionalInteger("top_k"),
            fields.optionalNumber("top_p"),
            fields.optionalNumber("repetition_penalty"),
            fields.optionalNumber("length_penalty"),
            fields.optionalInteger("num_beams"),
            fields.optionalInteger("num_generations"),
            fields.optionalLong("seed"));
    atLeast("min_length", parameters.minLength(), 0);
    atLeast("max_length", parameters.maxLength(), 1);
    if (parameters.minLength() != null
        && parameters.maxLength() != null
        && parameters.minLength() > parameters.maxLength()) {
      throw new InvalidRequestException(
          "min_length",
          "must not exceed max_length ("
              + parameters.minLength()
              + " > "
              + parameters.maxLength()
              + ")");
    }
    if (parameters.temperature() != null && parameters.temperature() < 0) {
      throw new InvalidRequestException(
          "temperature", "must be 0 or more but got " + parameters.temperature());
    }
    atLeast("top_k", parameters.topK(), 0);
    if (parameters.topP() != null && !(parameters.topP() > 0 && parameters.topP() <= 1)) {
      throw new InvalidRequestException("top_p", "must be in (0, 1] but got " + parameters.topP());
    }
    positive("repetition_penalty", parameters.repetitionPenalty());
    positive("length_penalty", parameters.lengthPenalty());
    atLeast("num_beams", parameters.numBeams(), 1);
    atLeast("num_generations", parameters.numGenerations(), 1);
    atMost("max_length", parameters.maxLength(), RequestLimits.GENERATED_TOKENS);
    atMost("min_length", parameters.minLength(), RequestLimits.GENERATED_TOKENS);
    atMost("num_beams", parameters.numBeams(), RequestLimits.BEAMS);
    atMost("num_generations", parameters.numGenerations(), RequestLimits.GENERATIONS);
    atMost("top_k", parameters.topK(), RequestLimits.TOP_K);
    return parameters;
  }

  private static void atLeast(String field, Integer value, int minimum) {
    if (value != null && value < minimum) {
      throw new InvalidRequestException(field, "must be " + minimum + " or more but got " + value);
    }
  }

  private static void atMost(String field, Integer value, int maximum) {
    if (value != null && value > maximum) {
      throw new InvalidRequestException(field, "must be " + maximum + " or less but got " + value);
    }
  }

  private static void positive(String field, Double value) {
    if (value != null && !(value > 0)) {
      throw new InvalidRequestException(field, "must be more than 0 but got " + value);
    }
  }

  private static TaskBody textOrBatch(
      Task task, BodyFields fields, String field, Function<String, SingleRequest> request) {
    JsonNode text = fields.required(field);
    if (text.isArray()) {
      int size = requireNonEmptyList(field, text);
      return batch(
          task, size, i -> request.apply(BodyFields.string(field + "[" + i + "]", text.get(i))));
    }
    return single(task, request.apply(singleString(field, text)));
  }

  private static String singleString(String field, JsonNode node) {
    if (!node.isTextual()) {
      throw new InvalidRequestException(
          field, "must be a string or a list of strings but got " + Json.describe(node));
    }
    return BodyFields.string(field, node);
  }

  private static int requireNonEmptyList(String field, JsonNode list) {
    if (list.isEmpty()) {
      throw new InvalidRequestException(
          field, "must be a non-empty list of strings but got an empty list");
    }
    if (list.size() > RequestLimits.BATCH_ITEMS) {
      throw new InvalidRequestException(
          field, "may hold at most " + RequestLimits.BATCH_ITEMS + " items but has " + list.size());
    }
    return list.size();
  }

  private static TaskBody single(Task task, SingleRequest request) {
    return new TaskBody(task, false, List.of(BodyItem.valid(request)));
  }

  private static TaskBody batch(Task task, int size, IntFunction<SingleRequest> item) {
    List<BodyItem> items = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      try {
        items.add(BodyItem.valid(item.apply(i)));
      } catch (InvalidRequestException e) {
        items.add(BodyItem.invalid(e));
      }
    }
    return new TaskBody(task, true, items);
  }

  private static Set<String> fields(String... names) {
    return Collections.unmodifiableSet(new LinkedHashSet<>(List.of(names)));
  }
}
