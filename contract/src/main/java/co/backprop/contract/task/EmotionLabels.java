package co.backprop.contract.task;

import java.util.List;
import java.util.Map;

/** The 28 emotions the seed's emotion task answers from (the GoEmotions labels), in its order. */
public final class EmotionLabels {
  public static final List<String> ALL =
      List.of(
          "neutral",
          "admiration",
          "approval",
          "annoyance",
          "gratitude",
          "disapproval",
          "amusement",
          "curiosity",
          "love",
          "optimism",
          "disappointment",
          "joy",
          "realization",
          "anger",
          "sadness",
          "confusion",
          "caring",
          "excitement",
          "surprise",
          "disgust",
          "desire",
          "fear",
          "remorse",
          "embarrassment",
          "nervousness",
          "pride",
          "relief",
          "grief");

  /**
   * A short first-person sentence for each emotion: what zero-shot-by-similarity compares a text
   * with (a bare word like "optimism" is a poor anchor for a sentence embedding).
   */
  public static final Map<String, String> PROMPTS =
      Map.ofEntries(
          Map.entry("neutral", "The report was sent on Monday as scheduled."),
          Map.entry("admiration", "I admire this, it is really impressive."),
          Map.entry("approval", "I agree, this is good and I approve."),
          Map.entry("annoyance", "This is annoying and irritating."),
          Map.entry("gratitude", "Thank you so much, I am grateful."),
          Map.entry("disapproval", "I disapprove, this is wrong."),
          Map.entry("amusement", "Haha, this is funny and amusing."),
          Map.entry("curiosity", "I wonder why, I am curious about it."),
          Map.entry("love", "I love this so much."),
          Map.entry("optimism", "I hope it works out, I am optimistic."),
          Map.entry("disappointment", "I am disappointed, it let me down."),
          Map.entry("joy", "I am so happy and joyful."),
          Map.entry("realization", "Oh, I just realized something."),
          Map.entry("anger", "I am angry and furious."),
          Map.entry("sadness", "I am sad and unhappy."),
          Map.entry("confusion", "I am confused, I do not understand."),
          Map.entry("caring", "I care about you, take care of yourself."),
          Map.entry("excitement", "I am so excited about this!"),
          Map.entry("surprise", "Wow, what a surprise!"),
          Map.entry("disgust", "This is gross and disgusting."),
          Map.entry("desire", "I really want this, I wish I had it."),
          Map.entry("fear", "I am scared and afraid."),
          Map.entry("remorse", "I am sorry, I regret what I did."),
          Map.entry("embarrassment", "This is so embarrassing."),
          Map.entry("nervousness", "I am nervous and anxious about it."),
          Map.entry("pride", "I am proud of what we achieved."),
          Map.entry("relief", "What a relief, I am relieved."),
          Map.entry("grief", "I am grieving, the loss is heartbreaking."));

  private EmotionLabels() {}
}
