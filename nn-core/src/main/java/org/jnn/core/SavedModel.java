package org.jnn.core;

import java.util.Map;

/**
 * A model read from a file: its parameters and the metadata saved with them (architecture and
 * training settings, as strings).
 *
 * @param parameters the weights and biases
 * @param metadata key-value pairs from the file; see {@link ModelFile} for the keys this library writes
 */
public record SavedModel(Parameters parameters, Map<String, String> metadata) {

    public SavedModel {
        metadata = Map.copyOf(metadata);
    }

    /** A network on {@code backend} with these parameters. */
    public Network toNetwork(org.jnn.api.LinearAlgebra backend) {
        return Network.create(backend, parameters);
    }
}
