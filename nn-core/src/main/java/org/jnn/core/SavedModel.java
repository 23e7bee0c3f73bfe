package org.jnn.core;

import java.util.List;
import java.util.Map;

/**
 * A model read from a file: its parameters, the metadata saved with them (architecture and training
 * settings, as strings), and what the reader had to assume or could not verify.
 *
 * @param parameters the weights and biases
 * @param metadata key-value pairs from the file; see {@link ModelFile} for the keys this library writes
 * @param notes one line each, for the user: what was assumed in reading the file or could not be
 *     checked (e.g. "a PyTorch file without jnn metadata: read as Linear layers 0, 2, 4 with ReLU
 *     between them and a softmax output; layer sizes 784-200-200-10; no checksum to verify"); empty
 *     for a file of the current format, which is verified whole
 */
public record SavedModel(Parameters parameters, Map<String, String> metadata, List<String> notes) {

    public SavedModel {
        metadata = Map.copyOf(metadata);
        notes = List.copyOf(notes);
    }

    /** A model with nothing to note. */
    public SavedModel(Parameters parameters, Map<String, String> metadata) {
        this(parameters, metadata, List.of());
    }

    /**
     * The network's shape as the file records it ({@value ModelFile#ACTIVATIONS_KEY},
     * {@value ModelFile#DROPOUT_KEY}); ReLU without dropout for files that do not say (earlier formats,
     * PyTorch files).
     *
     * @throws IllegalArgumentException if the metadata hold an unknown activation or a bad rate (a file
     *     {@link ModelFile#load} accepted never does)
     */
    public Architecture architecture() {
        return Architecture.fromText(parameters.layerSizes(), metadata.get(ModelFile.ACTIVATIONS_KEY),
                metadata.get(ModelFile.DROPOUT_KEY));
    }

    /** A network on {@code backend} with these parameters and this architecture. */
    public Network toNetwork(org.jnn.api.LinearAlgebra backend) {
        return Network.create(backend, architecture(), parameters);
    }
}
