/**
 * The {@code commons-math} backend: {@link org.jnn.api.LinearAlgebra} on Apache Commons Math's
 * {@code BlockRealMatrix}, f64 only (the library has no single precision).
 *
 * <p>Depends on nn-api and Commons Math only; registered for {@link java.util.ServiceLoader}. It knows
 * neither the network nor the other backends.
 */
package org.jnn.backend.commonsmath;
