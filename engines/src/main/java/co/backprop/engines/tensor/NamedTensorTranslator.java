package co.backprop.engines.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import java.util.Map;

/**
 * Feeds named Java arrays (or tensors kept from an earlier pass) to an ONNX graph and copies every
 * output out as floats, but those the inputs ask to keep in the engine: the one translator of every
 * kind, which each builds the inputs its graph takes (ONNX Runtime matches inputs by name).
 */
public final class NamedTensorTranslator
    implements NoBatchifyTranslator<TensorInputs, TensorOutputs> {
  private static final String KEEP = "keep";

  @Override
  public NDList processInput(TranslatorContext context, TensorInputs inputs) {
    if (inputs.keep() != null) {
      context.setAttachment(KEEP, inputs.keep());
    }
    NDManager manager = context.getNDManager();
    NDList list = new NDList(inputs.tensors().size());
    for (Map.Entry<String, TensorInputs.Tensor> input : inputs.tensors().entrySet()) {
      Shape shape = new Shape(input.getValue().shape());
      Object values = input.getValue().values();
      NDArray array;
      if (values instanceof NDArray kept) {
        array = kept;
      } else if (values instanceof long[] longs) {
        array = manager.create(longs, shape);
      } else if (values instanceof float[] floats) {
        array = manager.create(floats, shape);
      } else {
        array = manager.create((boolean[]) values, shape);
      }
      array.setName(input.getKey());
      list.add(array);
    }
    return list;
  }

  @Override
  public TensorOutputs processOutput(TranslatorContext context, NDList outputs) {
    TensorOutputs result = new TensorOutputs();
    TensorInputs.Keep keep = (TensorInputs.Keep) context.getAttachment(KEEP);
    for (NDArray output : outputs) {
      String name = output.getName();
      if (keep != null && name != null && name.startsWith(keep.prefix())) {
        result.keep(name, keep.owner().keep(output));
        continue;
      }
      result.put(
          name, new TensorOutputs.Tensor(output.toFloatArray(), output.getShape().getShape()));
    }
    return result;
  }
}
