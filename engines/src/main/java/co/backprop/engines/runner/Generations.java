package co.backprop.engines.runner;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import co.backprop.contract.task.TaskOutput;
import co.backprop.engines.generation.Decoder;
import co.backprop.engines.generation.LanguageModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** What the generating kinds share: running the decoder over a micro-batch, decoding the text. */
final class Generations {
  private Generations() {}

  /**
   * @param withPrompt causal models answer the prompt followed by what they generated (as the
   *     seed's example does); seq2seq models answer what they generated
   */
  static List<TaskOutput> generate(
      LanguageModel model,
      HuggingFaceTokenizer tokenizer,
      List<GenerationInput> batch,
      boolean withPrompt) {
    List<Decoder.Job> jobs =
        batch.stream().map(input -> new Decoder.Job(input.prompt(), input.parameters())).toList();
    List<List<long[]>> generated = Decoder.generate(model, jobs);
    List<TaskOutput> outputs = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      long[] prompt = batch.get(i).prompt();
      List<String> texts = new ArrayList<>();
      for (long[] tokens : generated.get(i)) {
        long[] text = tokens;
        if (withPrompt) {
          text = Arrays.copyOf(prompt, prompt.length + tokens.length);
          System.arraycopy(tokens, 0, text, prompt.length, tokens.length);
        }
        texts.add(tokenizer.decode(text, true));
      }
      outputs.add(
          texts.size() == 1 ? new TaskOutput.Text(texts.get(0)) : new TaskOutput.Texts(texts));
    }
    return outputs;
  }

  static int configInt(TransformerModel weights, String key, int defaultValue) {
    return weights.config().path(key).isInt() ? weights.config().get(key).asInt() : defaultValue;
  }
}
