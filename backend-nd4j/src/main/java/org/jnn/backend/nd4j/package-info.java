/**
 * The {@code nd4j} backend: {@link org.jnn.api.LinearAlgebra} on ND4J's {@code INDArray} with its native
 * operations (libnd4j, OpenBLAS), f64 and f32, loaded lazily and checked before use.
 *
 * <p>Depends on nn-api, ND4J and JavaCPP only; registered for {@link java.util.ServiceLoader}. It knows
 * neither the network nor the other backends.
 */
package org.jnn.backend.nd4j;
