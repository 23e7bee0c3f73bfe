package org.jnn.backend.ejml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

/** {@code nn.ejml.threads}: what the command line sets to keep data-parallel workers on one thread each. */
@ResourceLock(Resources.SYSTEM_PROPERTIES)
class EjmlThreadsPropertyTest {

    @AfterEach
    void clear() {
        System.clearProperty(Ejml.THREADS_PROPERTY);
    }

    @Test
    void oneThreadKeepsEveryProductOnTheCallingThread() {
        System.setProperty(Ejml.THREADS_PROPERTY, "1");
        assertEquals(Long.MAX_VALUE, Ejml.defaultParallelThreshold());
    }

    @Test
    void moreThreadsUseTheMultiThreadedProductsFromTheUsualSize() {
        System.setProperty(Ejml.THREADS_PROPERTY, "2");
        assertEquals(Ejml.DEFAULT_PARALLEL_THRESHOLD, Ejml.defaultParallelThreshold());
    }

    @Test
    void aValueThatIsNotAPositiveIntegerIsRefusedNamingTheProperty() {
        System.setProperty(Ejml.THREADS_PROPERTY, "0");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Ejml::defaultParallelThreshold);
        assertEquals("system property nn.ejml.threads=0 is not a positive integer; use e.g. -Dnn.ejml.threads=1",
                e.getMessage());
    }
}
