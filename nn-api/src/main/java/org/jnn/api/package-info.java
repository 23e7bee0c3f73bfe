/**
 * The service-provider interface between the network and the linear-algebra libraries:
 * {@link org.jnn.api.LinearAlgebra} (the operations a training step needs), {@link org.jnn.api.Matrix}
 * handles, {@link org.jnn.api.AbstractLinearAlgebra} (every argument check, done once for all backends) and
 * finding and choosing a backend on the class path ({@link org.jnn.api.Backends}).
 *
 * <p>Depends on the JDK only: a backend author needs nothing else to implement it, and nothing here may
 * know any backend, the network or a matrix library.
 */
package org.jnn.api;
