package org.jnn.api;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The activation functions a layer can apply element by element, with the derivatives the backward
 * pass needs. {@code z} is the pre-activation, {@code a = f(z)} the activation.
 */
public enum Activation {
    /** {@code f(z) = z}: the output layer's logits. */
    IDENTITY("identity"),
    /** {@code f(z) = max(0, z)}; {@code f'(z) = 1} for {@code z > 0}, else 0 (0 at the kink). */
    RELU("relu"),
    /**
     * {@code f(z) = z} for {@code z > 0}, else {@value #LEAKY_RELU_SLOPE}{@code ·z} (PyTorch's default slope);
     * {@code f'(z) = 1} for {@code z > 0}, else {@value #LEAKY_RELU_SLOPE} (at 0 too, as PyTorch).
     */
    LEAKY_RELU("leaky-relu"),
    /** {@code f(z) = tanh z}; {@code f'(z) = 1 - a²}. */
    TANH("tanh"),
    /** {@code f(z) = 1 / (1 + e^-z)}; {@code f'(z) = a (1 - a)}. */
    SIGMOID("sigmoid"),
    /**
     * GELU in its tanh form (PyTorch's {@code approximate='tanh'}, Hendrycks and Gimpel):
     * {@code f(z) = z/2 · (1 + tanh u)} with {@code u = sqrt(2/π) (z + 0.044715 z³)}, whose derivative
     * is {@code (1 + tanh u)/2 + z/2 · (1 - tanh² u) · sqrt(2/π) (1 + 3 · 0.044715 z²)}.
     */
    GELU("gelu");

    /** The slope of {@link #LEAKY_RELU} for negative inputs. */
    public static final double LEAKY_RELU_SLOPE = 0.01;

    private final String id;

    Activation(String id) {
        this.id = id;
    }

    /** The name used on the command line and in model files, e.g. {@code leaky-relu}. */
    public String id() {
        return id;
    }

    /**
     * The activation called {@code id}, ignoring case ({@code relu}, {@code leaky-relu}, {@code tanh},
     * {@code sigmoid}, {@code gelu}, {@code identity}; {@code leaky_relu} is accepted too).
     *
     * @throws IllegalArgumentException naming the accepted names
     */
    public static Activation fromId(String id) {
        String wanted = id.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (Activation a : values()) {
            if (a.id.equals(wanted)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown activation '" + id + "'; use one of "
                + Arrays.stream(values()).map(Activation::id).collect(Collectors.joining(", ")));
    }
}
