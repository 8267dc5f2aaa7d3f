package co.backprop.engines.runner;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import co.backprop.contract.model.ModelSpec;
import co.backprop.contract.task.QaRequest;
import co.backprop.contract.task.SingleRequest;
import co.backprop.contract.task.TaskOutput;
import co.backprop.engines.tensor.TensorOutputs;
import java.util.ArrayList;
import java.util.List;

/**
 * Extractive QA (SQuAD-style start/end logits). The question, after the conversation so far ({@code
 * prev_q}/{@code prev_a} as "question answer" turns), is paired with the context; a context too
 * long for the model is cut into overlapping windows. The answer is the best span of context tokens
 * (start ≤ end, at most {@code maxAnswerTokens}) over all windows, or "unknown" when the no-answer
 * score (start and end on the first token) beats it.
 */
public final class ExtractiveQaRunner extends LeasedRunner<ExtractiveQaRunner.Input> {
  public static final String NO_ANSWER = "unknown";

  /** One window of (question, context) tokens: which are context, and where each is in it. */
  record Window(EncodedText tokens, boolean[] inContext, CharSpan[] spans) {}

  public record Input(String context, List<Window> windows) implements PreparedInput {
    @Override
    public int tokens() {
      return windows.stream().mapToInt(w -> w.tokens().tokens()).sum();
    }

    @Override
    public boolean truncated() {
      return false; // windows cover the whole context
    }
  }

  private final HuggingFaceTokenizer tokenizer;
  private final EncoderPass pass;
  private final int maxAnswerTokens;

  ExtractiveQaRunner(ModelSpec spec, HuggingFaceTokenizer tokenizer, EncoderPass pass) {
    this.tokenizer = tokenizer;
    this.pass = pass;
    this.maxAnswerTokens = spec.intOption("maxAnswerTokens", 30);
  }

  /** The tokenizer settings the windows need: context truncated only, overlapping by the stride. */
  static void configure(ModelSpec spec, HuggingFaceTokenizer.Builder builder) {
    builder
        .optMaxLength(spec.intOption("maxLength", 384))
        .optTruncation(true)
        .optTruncateSecondOnly()
        .optStride(spec.intOption("stride", 128))
        .optWithOverflowingTokens(true);
  }

  /** "prev question prev answer ... question": the turns so far, then the question. */
  static String conversation(QaRequest request) {
    StringBuilder question = new StringBuilder();
    List<String> questions =
        request.previousQuestions() == null ? List.of() : request.previousQuestions();
    for (int i = 0; i < questions.size(); i++) {
      question
          .append(questions.get(i))
          .append(' ')
          .append(request.previousAnswers().get(i))
          .append(' ');
    }
    return question.append(request.question()).toString();
  }

  @Override
  public Input prepare(SingleRequest request) {
    QaRequest qa = Requests.qa(request);
    Encoding encoding = tokenizer.encode(conversation(qa), qa.context());
    List<Window> windows = new ArrayList<>();
    windows.add(window(encoding));
    Encoding[] overflowing = encoding.getOverflowing();
    if (overflowing != null) {
      for (Encoding more : overflowing) {
        windows.add(window(more));
      }
    }
    return new Input(qa.context(), windows);
  }

  private static Window window(Encoding encoding) {
    long[] sequences = encoding.getSequenceIds();
    long[] special = encoding.getSpecialTokenMask();
    boolean[] inContext = new boolean[sequences.length];
    for (int i = 0; i < inContext.length; i++) {
      inContext[i] = sequences[i] == 1 && special[i] == 0;
    }
    return new Window(
        new EncodedText(encoding.getIds(), encoding.getTypeIds(), false),
        inContext,
        encoding.getCharTokenSpans());
  }

  @Override
  public List<TaskOutput> run(List<Input> batch) {
    List<EncodedText> windows =
        batch.stream().flatMap(i -> i.windows().stream()).map(Window::tokens).toList();
    TokenBatch padded = TokenBatch.pad(windows);
    TensorOutputs outputs = pass.forward(padded);
    float[] start = outputs.require("start_logits").values();
    float[] end = outputs.require("end_logits").values();
    List<TaskOutput> answers = new ArrayList<>(batch.size());
    int row = 0;
    for (Input input : batch) {
      Span best = null;
      double noAnswer = Double.POSITIVE_INFINITY;
      for (Window window : input.windows()) {
        int offset = row++ * padded.length();
        noAnswer = Math.min(noAnswer, start[offset] + end[offset]);
        Span candidate = bestSpan(window, start, end, offset);
        if (candidate != null && (best == null || candidate.score() > best.score())) {
          best = candidate;
        }
      }
      answers.add(
          new TaskOutput.Answer(
              best == null || best.score() < noAnswer ? NO_ANSWER : best.text(input.context())));
    }
    return answers;
  }

  /** A scored span: from the start of one context token to the end of another. */
  record Span(double score, int startChar, int endChar) {
    String text(String context) {
      return context.substring(startChar, endChar);
    }
  }

  private Span bestSpan(Window window, float[] start, float[] end, int offset) {
    Span best = null;
    boolean[] inContext = window.inContext();
    for (int i = 0; i < inContext.length; i++) {
      if (!inContext[i]) {
        continue;
      }
      for (int j = i; j < Math.min(inContext.length, i + maxAnswerTokens); j++) {
        if (!inContext[j]) {
          break;
        }
        double score = start[offset + i] + end[offset + j];
        if (best == null || score > best.score()) {
          best = new Span(score, window.spans()[i].getStart(), window.spans()[j].getEnd());
        }
      }
    }
    return best;
  }

  @Override
  protected void release() {
    pass.close();
  }
}
