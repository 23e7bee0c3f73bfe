package org.jnn.mnist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several processes (JVMs, not threads) fetch into one data folder at the same moment, from a mirror on
 * this machine: every one of them succeeds, the files match their pins, and each file is downloaded
 * once, because the processes that waited for the folder's lock find the files good when they get it.
 */
class SeveralProcessesOneDataFolderTest {

    private static final int PROCESSES = 4;

    @TempDir
    Path root;

    private Path folder() {
        return DataDirectory.folder(root, DatasetKind.MNIST);
    }

    @Test
    void severalProcessesFillAnEmptyFolderAndEachFileIsDownloadedOnce() throws Exception {
        try (LocalMirror mirror = new LocalMirror()) {
            fetchAllAtOnce(mirror);
            assertEquals(Map.of("train-images-idx3-ubyte", 1, "train-labels-idx1-ubyte", 1, "t10k-images-idx3-ubyte", 1,
                    "t10k-labels-idx1-ubyte", 1), mirror.requests());
        }
        assertEquals(new TreeSet<>(LocalMirror.CONTENT.keySet()), DataFolders.contents(folder()), "no temporaries");
    }

    @Test
    void severalProcessesRepairAFolderOfCorruptFilesAndEachIsMovedAsideOnce() throws Exception {
        Files.createDirectories(folder());
        for (String name : LocalMirror.CONTENT.keySet()) {
            Files.write(folder().resolve(name), FetchingProcess.corrupted(name)); // last byte flipped
        }
        try (LocalMirror mirror = new LocalMirror()) {
            fetchAllAtOnce(mirror);
            assertEquals(Map.of("train-images-idx3-ubyte", 1, "train-labels-idx1-ubyte", 1, "t10k-images-idx3-ubyte", 1,
                    "t10k-labels-idx1-ubyte", 1), mirror.requests());
        }
        Set<String> expected = new TreeSet<>(LocalMirror.CONTENT.keySet());
        expected.addAll(LocalMirror.CONTENT.keySet().stream().map(name -> name + ".corrupt").collect(Collectors.toSet()));
        assertEquals(expected, DataFolders.contents(folder()), "the corrupt files moved aside, no temporaries");
        for (String name : LocalMirror.CONTENT.keySet()) {
            assertArrayEquals(FetchingProcess.corrupted(name), Files.readAllBytes(folder().resolve(name + ".corrupt")),
                    "the corrupt " + name + " itself is what was moved aside");
        }
    }

    /** Starts the processes, lets them fetch together, and checks that all succeeded with the right files. */
    private void fetchAllAtOnce(LocalMirror mirror) throws Exception {
        List<FetchingProcess.Child> children = new ArrayList<>();
        try {
            for (int i = 0; i < PROCESSES; i++) {
                children.add(FetchingProcess.start(root, mirror.uri(), "once"));
            }
            for (FetchingProcess.Child child : children) {
                child.go(); // all are started and ready: now they fetch at the same moment
            }
            List<String> results = new ArrayList<>();
            for (FetchingProcess.Child child : children) {
                results.add(child.finish());
            }
            assertEquals(java.util.Collections.nCopies(PROCESSES, "exit status 0\ndone"), results);
        } finally {
            children.forEach(child -> child.process().destroyForcibly());
        }
        for (Map.Entry<String, byte[]> file : LocalMirror.CONTENT.entrySet()) {
            assertArrayEquals(file.getValue(), Files.readAllBytes(folder().resolve(file.getKey())), file.getKey());
        }
    }
}
