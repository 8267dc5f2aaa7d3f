package co.backprop.contract.task;

/**
 * The upper bounds of every request, checked when a body is parsed (a 400 naming the field over
 * HTTP, an error row in a job): no client can make a worker allocate without bound or decode for
 * hours. README's "Limits" section lists them.
 */
public final class RequestLimits {
  /** Characters of one text, question, context or previous turn. */
  public static final int TEXT_CHARACTERS = 100_000;

  /** Items of one batch-variant body. */
  public static final int BATCH_ITEMS = 256;

  /** Labels of one classification. */
  public static final int LABELS = 100;

  /** Characters of one label. */
  public static final int LABEL_CHARACTERS = 500;

  /** Previous questions (and answers) of one QA conversation. */
  public static final int CONVERSATION_TURNS = 32;

  /** Tokens one generation may produce ({@code max_length}, {@code min_length}). */
  public static final int GENERATED_TOKENS = 1024;

  /** Beams of one beam search. */
  public static final int BEAMS = 16;

  /** Generations of one request. */
  public static final int GENERATIONS = 16;

  /** {@code top_k}. */
  public static final int TOP_K = 1000;

  /** Bytes of one image, decoded from base64. */
  public static final int IMAGE_BYTES = 10 << 20;

  /** Pixels of one image side, read from its header before it is decoded. */
  public static final int IMAGE_SIDE = 8192;

  /** Pixels of one image, read from its header before it is decoded. */
  public static final long IMAGE_PIXELS = 40_000_000L;

  private RequestLimits() {}
}
