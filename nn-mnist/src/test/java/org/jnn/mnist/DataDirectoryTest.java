package org.jnn.mnist;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class DataDirectoryTest {

    private static UnaryOperator<String> of(Map<String, String> values) {
        return values::get;
    }

    private static final UnaryOperator<String> HOME = of(Map.of("user.home", "/home/ada"));

    @Test
    void explicitArgumentWins() {
        Path root = DataDirectory.root(Path.of("/explicit"), of(Map.of("nn.data.dir", "/prop", "user.home", "/h")),
                of(Map.of("NN_DATA_DIR", "/env")));
        assertEquals(Path.of("/explicit"), root);
    }

    @Test
    void thenSystemPropertyThenEnvironment() {
        assertEquals(Path.of("/prop"), DataDirectory.root(null,
                of(Map.of("nn.data.dir", "/prop", "user.home", "/h")), of(Map.of("NN_DATA_DIR", "/env"))));
        assertEquals(Path.of("/env"), DataDirectory.root(null, HOME, of(Map.of("NN_DATA_DIR", "/env"))));
        assertEquals(Path.of("/env"), DataDirectory.root(null,
                of(Map.of("nn.data.dir", "  ", "user.home", "/h")), of(Map.of("NN_DATA_DIR", "/env"))),
                "a blank property counts as unset");
    }

    @Test
    void elseTheUserCacheFolder() {
        assertEquals(Path.of("/xdg/jnn/datasets"),
                DataDirectory.root(null, HOME, of(Map.of("XDG_CACHE_HOME", "/xdg"))));
        assertEquals(Path.of("/home/ada/.cache/jnn/datasets"), DataDirectory.root(null, HOME, of(Map.of())));
    }

    @Test
    void eachDataSetHasItsSubfolder() {
        assertEquals(Path.of("/d/mnist"), DataDirectory.folder(Path.of("/d"), DatasetKind.MNIST));
        assertEquals(Path.of("/d/fashion"), DataDirectory.folder(Path.of("/d"), DatasetKind.FASHION_MNIST));
    }
}
