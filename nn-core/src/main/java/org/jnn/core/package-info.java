/**
 * The network: dense layers, activations, softmax with cross-entropy, backpropagation, training with its
 * options, evaluation and prediction ({@link org.jnn.core.Network}), data sets as an interface
 * ({@link org.jnn.core.Dataset}), gradient checking and model files ({@link org.jnn.core.ModelFile}).
 *
 * <p>Depends on nn-api and Jackson jr (for the model files' JSON header) only. All arithmetic goes
 * through {@link org.jnn.api.LinearAlgebra}: this module never touches a matrix library, a backend, the
 * data-set fetching or the command line.
 */
package org.jnn.core;
