package org.jnn.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BackendPropertiesTest {

    @Test
    void aPositiveIntegerIsReadWithSurroundingSpaces() {
        assertEquals(1, BackendProperties.positiveInteger("nn.x.threads", "1"));
        assertEquals(12, BackendProperties.positiveInteger("nn.x.threads", " 12 "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "two", "1.5", "", "99999999999"})
    void anythingElseIsRefusedNamingThePropertyAndHowToSetIt(String bad) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BackendProperties.positiveInteger("nn.x.threads", bad));
        assertEquals("system property nn.x.threads=" + bad + " is not a positive integer; use e.g. -Dnn.x.threads=1",
                e.getMessage());
    }
}
