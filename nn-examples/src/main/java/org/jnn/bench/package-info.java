/**
 * JMH micro-benchmarks of the {@code LinearAlgebra} operations at the network's shapes, per backend,
 * batch size and precision; run with {@code nn jmh}.
 */
package org.jnn.bench;
