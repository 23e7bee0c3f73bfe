package org.jnn.backend.nd4j;

import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Bookkeeping around direct access to an array's host buffer. The CPU backend has only that buffer
 * and both calls do nothing; a device backend (nd4j-cuda) must copy the device's data to the host
 * before it is read there, and must learn that the host copy is newer after it is written there.
 */
final class Host {

    private Host() {
    }

    /** Call before reading the host buffer of {@code array} directly. */
    static void beforeReading(INDArray array) {
        Nd4j.getAffinityManager().ensureLocation(array, AffinityManager.Location.HOST);
    }

    /** Call after writing the host buffer of {@code array} directly. */
    static void written(INDArray array) {
        Nd4j.getAffinityManager().tagLocation(array, AffinityManager.Location.HOST);
    }
}
