package co.backprop.engines.runner;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import co.backprop.contract.model.ModelSpec;
import co.backprop.contract.task.GenerationRequest;
import co.backprop.contract.task.InvalidRequestException;
import co.backprop.contract.task.SingleRequest;
import co.backprop.contract.task.TaskOutput;
import co.backprop.engines.generation.DecodingParameters;
import co.backprop.engines.generation.OnnxCausalLm;
import co.backprop.engines.tensor.TensorInputs;
import co.backprop.engines.tensor.TensorOutputs;
import java.util.List;

/**
 * text-generation with a decoder-only model (GPT-2 style ONNX export): the prompt followed by up to
 * max_length generated tokens, decoded as the API's parameters say. The micro-batch decodes
 * together; finished sequences leave the batch.
 */
public final class CausalLmRunner extends LeasedRunner<GenerationInput> {
  private final HuggingFaceTokenizer tokenizer;
  private final Predictor<TensorInputs, TensorOutputs> predictor;
  private final OnnxCausalLm model;
  private final int maxPositions;

  CausalLmRunner(ModelSpec spec, TransformerModel weights, HuggingFaceTokenizer tokenizer) {
    this.tokenizer = tokenizer;
    this.predictor = weights.newPredictor("model");
    int eos = Generations.configInt(weights, "eos_token_id", -1);
    long pad = Generations.configInt(weights, "pad_token_id", Math.max(eos, 0));
    // TorchScript graphs do not name their inputs: they take (input_ids, attention_mask).
    java.util.Set<String> inputs =
        spec.engine().equals("PyTorch")
            ? java.util.Set.of("input_ids", "attention_mask")
            : weights.inputs("model").keySet();
    this.model =
        new OnnxCausalLm(
            predictor,
            () -> weights.newNativeTensors("model"),
            inputs,
            cacheLayout(weights),
            eos,
            pad,
            Boolean.parseBoolean(spec.option("useCache", "true")));
    this.maxPositions =
        spec.intOption("maxPositions", Generations.configInt(weights, "n_positions", 1024));
  }

  /** [heads, head size] of the KV cache, from GPT-2's or the newer names of config.json. */
  private static long[] cacheLayout(TransformerModel weights) {
    int heads =
        Generations.configInt(
            weights, "n_head", Generations.configInt(weights, "num_attention_heads", -1));
    int hidden =
        Generations.configInt(weights, "n_embd", Generations.configInt(weights, "hidden_size", -1));
    int kvHeads = Generations.configInt(weights, "num_key_value_heads", heads);
    return heads > 0 && hidden > 0 ? new long[] {kvHeads, hidden / heads} : null;
  }

  @Override
  public GenerationInput prepare(SingleRequest request) {
    if (!(request instanceof GenerationRequest generation)) {
      throw Requests.wrongKind(request);
    }
    long[] prompt = tokenizer.encode(generation.text(), false, false).getIds();
    if (prompt.length >= maxPositions) {
      throw new InvalidRequestException(
          "text",
          "has "
              + prompt.length
              + " tokens; this model reads at most "
              + (maxPositions - 1)
              + " before generating");
    }
    return new GenerationInput(
        prompt,
        DecodingParameters.of(generation.parameters(), maxPositions - prompt.length),
        false);
  }

  @Override
  public List<TaskOutput> run(List<GenerationInput> batch) {
    return Generations.generate(model, tokenizer, batch, true);
  }

  @Override
  protected void release() {
    predictor.close();
  }
}
