package org.jnn.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads the layer structure of a safetensors file without this library's metadata, as PyTorch writes
 * an {@code nn.Sequential(Linear, ReLU, Linear, ReLU, ..., Linear)} with
 * {@code safetensors.torch.save_file(model.state_dict(), path)}: tensors {@code "<i>.weight"}
 * ({@code outputs × inputs}) and {@code "<i>.bias"} for the Linear modules at even positions
 * {@code i = 0, 2, 4, ...}, nothing for the ReLUs between them. The layer sizes follow from the shapes,
 * which must chain; anything else in the file means it is some other model, and is refused.
 */
final class TorchSequential {

    /** The layers found: sizes inputs first, and per layer its weight and bias tensors. */
    record Layout(int[] sizes, List<SafetensorsFile.Tensor> weights, List<SafetensorsFile.Tensor> biases) {
    }

    private static final Pattern LINEAR_TENSOR = Pattern.compile("(0|[1-9][0-9]{0,8})\\.(weight|bias)");
    private static final String EXPECTED = "a file without jnn metadata is read as PyTorch's"
            + " nn.Sequential(Linear, ReLU, Linear, ...), with tensors '0.weight', '0.bias', '2.weight', ... and nothing else";

    private TorchSequential() {
    }

    static Layout read(SafetensorsFile file) throws ModelFormatException {
        Map<Integer, Map<String, SafetensorsFile.Tensor>> modules = new TreeMap<>();
        for (SafetensorsFile.Tensor t : file.tensors().values()) {
            Matcher m = LINEAR_TENSOR.matcher(t.name());
            if (!m.matches()) {
                throw new ModelFormatException(file.file(), "tensor '" + t.name() + "' is not the weight or bias of a"
                        + " Linear layer; " + EXPECTED);
            }
            modules.computeIfAbsent(Integer.parseInt(m.group(1)), i -> new TreeMap<>()).put(m.group(2), t);
        }
        if (modules.isEmpty()) {
            throw new ModelFormatException(file.file(), "the file holds no tensors; " + EXPECTED);
        }
        checkPositions(file, new TreeSet<>(modules.keySet()));

        List<SafetensorsFile.Tensor> weights = new ArrayList<>();
        List<SafetensorsFile.Tensor> biases = new ArrayList<>();
        int[] sizes = new int[modules.size() + 1];
        for (Map.Entry<Integer, Map<String, SafetensorsFile.Tensor>> module : modules.entrySet()) {
            int position = module.getKey();
            SafetensorsFile.Tensor weight = module.getValue().get("weight");
            SafetensorsFile.Tensor bias = module.getValue().get("bias");
            if (weight == null) {
                throw new ModelFormatException(file.file(), "'" + position + ".bias' has no '" + position + ".weight'; " + EXPECTED);
            }
            if (bias == null) {
                throw new ModelFormatException(file.file(), "'" + position + ".weight' has no '" + position
                        + ".bias'; this library's layers always have biases (Linear(..., bias=True))");
            }
            if (weight.shape().length != 2) {
                throw new ModelFormatException(file.file(), "'" + weight.name() + "' has shape " + weight.shapeText()
                        + "; a Linear layer's weight is a matrix, outputs × inputs");
            }
            int layer = position / 2;
            long outputs = weight.shape()[0];
            long inputs = weight.shape()[1];
            if (layer > 0 && inputs != sizes[layer]) {
                SafetensorsFile.Tensor below = weights.get(layer - 1);
                throw new ModelFormatException(file.file(), "'" + weight.name() + "' (shape " + weight.shapeText() + ") takes "
                        + inputs + " inputs but '" + below.name() + "' (shape " + below.shapeText() + ") gives " + sizes[layer]
                        + " outputs; the layers do not chain");
            }
            if (bias.shape().length != 1 || bias.shape()[0] != outputs) {
                throw new ModelFormatException(file.file(), "'" + bias.name() + "' has shape " + bias.shapeText() + " but '"
                        + weight.name() + "' (shape " + weight.shapeText() + ") has " + outputs
                        + " outputs, so its bias needs [" + outputs + "]");
            }
            if (inputs > Integer.MAX_VALUE || outputs > Integer.MAX_VALUE) {
                throw new ModelFormatException(file.file(), "'" + weight.name() + "' has shape " + weight.shapeText()
                        + ", more units than a layer can have");
            }
            sizes[layer] = (int) inputs;
            sizes[layer + 1] = (int) outputs;
            weights.add(weight);
            biases.add(bias);
        }
        return new Layout(sizes, weights, biases);
    }

    /** Linear modules sit at 0, 2, 4, ...: a ReLU (which has no tensors) between each two. */
    private static void checkPositions(SafetensorsFile file, TreeSet<Integer> positions) throws ModelFormatException {
        for (int position : positions) {
            if (position % 2 != 0) {
                throw new ModelFormatException(file.file(), "tensor '" + position + "."
                        + (file.tensors().containsKey(position + ".weight") ? "weight" : "bias") + "' sits at position "
                        + position + " of the Sequential, but Linear layers must sit at the even positions 0, 2, 4, ... with a"
                        + " ReLU between each two; " + EXPECTED);
            }
        }
        for (int expected = 0; expected <= positions.last(); expected += 2) {
            if (!positions.contains(expected)) {
                throw new ModelFormatException(file.file(), "the file has Linear layers at positions " + join(positions)
                        + " but none at " + expected + "; Linear layers must sit at 0, 2, 4, ... with a ReLU between each two");
            }
        }
    }

    /**
     * The one line that says what was assumed: "a PyTorch file without jnn metadata: read as Linear
     * layers 0, 2, 4 with ReLU between them and a softmax output; layer sizes 784-200-200-10; no
     * checksum to verify".
     */
    static String assumption(Layout layout) {
        List<Integer> positions = new ArrayList<>();
        for (int l = 0; l < layout.weights().size(); l++) {
            positions.add(2 * l);
        }
        String layers = positions.size() == 1 ? "one Linear layer (0) with a softmax output"
                : "Linear layers " + join(positions) + " with ReLU between them and a softmax output";
        TreeSet<String> dtypes = new TreeSet<>();
        layout.weights().forEach(t -> dtypes.add(t.dtype()));
        layout.biases().forEach(t -> dtypes.add(t.dtype()));
        String values = dtypes.contains("F32") ? "; F32 values widened to double" : "";
        return "a PyTorch file without jnn metadata: read as " + layers + "; layer sizes "
                + Arrays.stream(layout.sizes()).mapToObj(Integer::toString).collect(Collectors.joining("-"))
                + values + "; no checksum to verify";
    }

    private static String join(Iterable<Integer> positions) {
        List<String> parts = new ArrayList<>();
        positions.forEach(p -> parts.add(Integer.toString(p)));
        return String.join(", ", parts);
    }
}
