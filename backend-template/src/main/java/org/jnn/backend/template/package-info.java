/**
 * A backend to copy: {@link org.jnn.api.LinearAlgebra} on plain Java arrays, f64 and f32, written to be
 * read rather than to be fast, with the conformance suite run against it on every build.
 *
 * <p>Depends on nn-api only; registered for {@link java.util.ServiceLoader} as {@code arrays}.
 */
package org.jnn.backend.template;
