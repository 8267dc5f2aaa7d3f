package co.backprop.engines.runner;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import co.backprop.contract.model.ModelSpec;
import co.backprop.contract.task.GenerationParameters;
import co.backprop.contract.task.GenerationRequest;
import co.backprop.contract.task.SingleRequest;
import co.backprop.contract.task.TaskOutput;
import co.backprop.contract.task.TextRequest;
import co.backprop.engines.generation.DecodingParameters;
import co.backprop.engines.generation.OnnxSeq2Seq;
import co.backprop.engines.tensor.TensorInputs;
import co.backprop.engines.tensor.TensorOutputs;
import java.util.List;

/**
 * An encoder-decoder model (T5/BART style ONNX export, encoder and decoder graphs): text-generation
 * from a prompt such as the seed's "c: ... q: ... a:", or abstractive summarisation of a text (with
 * the catalog's {@code prefix}, e.g. "summarize: ", and its decoding options). Answers the
 * generated text alone.
 */
public final class Seq2SeqRunner extends LeasedRunner<GenerationInput> {
  private final HuggingFaceTokenizer tokenizer;
  private final Predictor<TensorInputs, TensorOutputs> encoder;
  private final Predictor<TensorInputs, TensorOutputs> decoder;
  private final OnnxSeq2Seq model;
  private final String prefix;
  private final GenerationParameters summaryParameters;
  private final int maxOutput;

  Seq2SeqRunner(ModelSpec spec, TransformerModel weights, HuggingFaceTokenizer tokenizer) {
    this.tokenizer = tokenizer;
    this.encoder = weights.newPredictor("encoder");
    this.decoder = weights.newPredictor("decoder");
    int eos = Generations.configInt(weights, "eos_token_id", 1);
    int pad = Generations.configInt(weights, "pad_token_id", 0);
    this.model =
        new OnnxSeq2Seq(
            encoder,
            decoder,
            eos,
            pad,
            Generations.configInt(weights, "decoder_start_token_id", pad));
    this.prefix = spec.option("prefix", "");
    this.maxOutput = spec.intOption("maxOutputTokens", 512);
    this.summaryParameters =
        new GenerationParameters(
            spec.intOption("minLength", 0),
            spec.intOption("maxLength", 60),
            0.0,
            0,
            1.0,
            Double.parseDouble(spec.option("repetitionPenalty", "1.0")),
            Double.parseDouble(spec.option("lengthPenalty", "1.0")),
            spec.intOption("numBeams", 1),
            1,
            0L);
  }

  @Override
  public GenerationInput prepare(SingleRequest request) {
    String text;
    GenerationParameters parameters;
    if (request instanceof GenerationRequest generation) {
      text = generation.text();
      parameters = generation.parameters();
    } else if (request instanceof TextRequest summary) {
      text = prefix + summary.text();
      parameters = summaryParameters;
    } else {
      throw Requests.wrongKind(request);
    }
    Encoding source = tokenizer.encode(text);
    return new GenerationInput(
        source.getIds(), DecodingParameters.of(parameters, maxOutput), source.exceedMaxLength());
  }

  @Override
  public List<TaskOutput> run(List<GenerationInput> batch) {
    return Generations.generate(model, tokenizer, batch, false);
  }

  @Override
  protected void release() {
    encoder.close();
    decoder.close();
  }
}
