package org.jnn.backend.commonsmath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

import org.jnn.api.BackendInfo;
import org.jnn.api.Backends;
import org.jnn.api.LinearAlgebra;
import org.jnn.api.Precision;
import org.junit.jupiter.api.Test;

/** Registration, metadata and precision of the Commons Math backend. */
class CommonsMathBackendTest {

    @Test
    void isFoundByNameThroughTheServiceRegistration() {
        LinearAlgebra found = Backends.byName("commons-math");
        assertInstanceOf(CommonsMathLinearAlgebra.class, found);
        assertEquals("commons-math", found.name());
        assertInstanceOf(CommonsMathLinearAlgebra.class, Backends.byName("Commons-Math"), "names ignore case");
    }

    @Test
    void isListedAsUsableWithItsPriorityAndDescription() {
        BackendInfo info = Backends.list().stream().filter(b -> b.name().equals("commons-math")).findFirst()
                .orElseThrow(() -> new AssertionError("commons-math is not in Backends.list(): " + Backends.list()));
        assertTrue(info.usable(), () -> "not usable: " + info.availability().reason());
        assertEquals(10, info.priority());
        assertTrue(info.description().contains("Commons Math 3.6.1"), info.description());
        assertTrue(info.description().contains("BlockRealMatrix"), info.description());
    }

    @Test
    void computesOnlyInF64() {
        LinearAlgebra la = new CommonsMathLinearAlgebra();
        assertEquals(Precision.F64, la.precision());
        assertEquals(Set.of(Precision.F64), la.supportedPrecisions());
        assertSame(la, la.withPrecision(Precision.F64));
        assertEquals("commons-math (f64)", Backends.label(la));
    }

    @Test
    void withPrecisionF32FailsSayingThatCommonsMathComputesOnlyInF64() {
        LinearAlgebra la = new CommonsMathLinearAlgebra();
        UnsupportedOperationException e =
                assertThrows(UnsupportedOperationException.class, () -> la.withPrecision(Precision.F32));
        String message = e.getMessage();
        assertTrue(message.contains("commons-math"), message);
        assertTrue(message.contains("only in f64"), message);
        assertTrue(message.contains("f32"), message);
        assertTrue(message.contains("Commons Math"), message);
    }
}
