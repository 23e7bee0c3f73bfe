/**
 * The {@code ejml} backend: {@link org.jnn.api.LinearAlgebra} on EJML's dense row-major matrices, f64
 * ({@code DMatrixRMaj}) and f32 ({@code FMatrixRMaj}, its classes generated from the f64 ones at build time).
 *
 * <p>Depends on nn-api and EJML only; registered for {@link java.util.ServiceLoader}. It knows neither the
 * network nor the other backends.
 */
package org.jnn.backend.ejml;
