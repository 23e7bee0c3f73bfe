package org.jnn.backend.ejml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ServiceLoader;
import java.util.stream.Collectors;

import org.jnn.api.BackendInfo;
import org.jnn.api.Backends;
import org.jnn.api.LinearAlgebra;
import org.jnn.api.Precision;
import org.junit.jupiter.api.Test;

/** The backend is registered, found by name and describes itself. */
class EjmlDiscoveryTest {

    @Test
    void serviceLoaderFindsTheBackend() {
        var found = ServiceLoader.load(LinearAlgebra.class).stream()
                .map(ServiceLoader.Provider::type).collect(Collectors.toList());
        assertTrue(found.contains(EjmlLinearAlgebra.class), "providers found: " + found);
    }

    @Test
    void backendsByNameFindsIt() {
        LinearAlgebra la = Backends.byName("ejml");
        assertInstanceOf(EjmlLinearAlgebra.class, la);
        assertEquals(Precision.F64, la.precision());
        assertInstanceOf(EjmlLinearAlgebra.class, Backends.byName("EJML"));
    }

    @Test
    void listedAsUsableWithItsMetadata() {
        BackendInfo info = Backends.list().stream().filter(b -> b.name().equals("ejml")).findFirst().orElseThrow();
        assertTrue(info.usable(), info.availability().reason());
        assertEquals(20, info.priority());
        assertTrue(info.description().startsWith("EJML 0.46.1 "), info.description());
        assertTrue(info.description().contains("64-bit"), info.description());
    }
}
