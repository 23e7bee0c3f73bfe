/**
 * MNIST and Fashion-MNIST for jnn: IDX reading ({@link org.jnn.mnist.IdxReader}), compact in-memory data
 * sets ({@link org.jnn.mnist.LabelledImages}, {@link org.jnn.mnist.DatasetSplits}), and fetching with
 * checksum verification into a local cache ({@link org.jnn.mnist.DatasetFetcher}). Most users need one
 * line: {@code DatasetSplits data = Mnist.load();}
 */
package org.jnn.mnist;
