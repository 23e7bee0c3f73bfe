package org.jnn.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {

    @TempDir
    Path dir;

    private final Path target = Path.of("model.safetensors");

    private Path target() {
        return dir.resolve(target);
    }

    private List<String> folderContent() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private Path leftover(long pid) throws IOException {
        return Files.writeString(dir.resolve(".model.safetensors." + pid + ".0123456789abcdef.tmp"), "half a model");
    }

    @Test
    void writesTheBytesAndLeavesOnlyTheTarget() throws IOException {
        byte[] bytes = "abc".getBytes(StandardCharsets.US_ASCII);
        AtomicFile.write(target(), bytes);
        assertArrayEquals(bytes, Files.readAllBytes(target()));
        assertEquals(List.of("model.safetensors"), folderContent());
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Sha256.hex(target()));
        assertEquals(Sha256.hex(bytes), Sha256.hex(target()));
    }

    @Test
    void newFileGetsThePermissionsOfAnyNewFileUnderTheUmask() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
        Set<PosixFilePermission> ordinary = Files.getPosixFilePermissions(Files.createFile(dir.resolve("ordinary")));
        AtomicFile.write(target(), new byte[] {1});
        assertEquals(PosixFilePermissions.toString(ordinary), PosixFilePermissions.toString(Files.getPosixFilePermissions(target())));
        // Replacing a file gives the new one the same ordinary permissions, whatever the old one had.
        Files.setPosixFilePermissions(target(), PosixFilePermissions.fromString("r--------"));
        AtomicFile.write(target(), new byte[] {2});
        assertEquals(PosixFilePermissions.toString(ordinary), PosixFilePermissions.toString(Files.getPosixFilePermissions(target())));
    }

    @Test
    void failureWhileWritingLeavesTheOldTargetAndNoTemporary() throws IOException {
        Files.writeString(target(), "old model");
        IOException failure = new IOException("disk full");
        IOException thrown = assertThrows(IOException.class, () -> AtomicFile.write(target(), out -> {
            out.write(new byte[100_000]); // more than the buffer, so part of it reached the temporary file
            throw failure;
        }));
        assertSame(failure, thrown);
        assertEquals("old model", Files.readString(target()));
        assertEquals(List.of("model.safetensors"), folderContent());
    }

    @Test
    void failureToMoveIntoPlaceLeavesNoTemporary() throws IOException {
        Files.createDirectories(target().resolve("occupied")); // a non-empty folder cannot be replaced
        assertThrows(IOException.class, () -> AtomicFile.write(target(), new byte[] {1}));
        assertEquals(List.of("model.safetensors"), folderContent());
    }

    @Test
    void nextWriteRemovesTheTemporaryOfAWriterThatDied() throws Exception {
        Path stale = leftover(Processes.deadProcessId());
        AtomicFile.write(target(), new byte[] {1});
        assertFalse(Files.exists(stale), "the dead writer's temporary is removed");
        assertEquals(List.of("model.safetensors"), folderContent());
    }

    @Test
    void temporaryOfALiveWriterIsKept() throws IOException {
        long live = ProcessHandle.current().parent().orElseThrow().pid(); // the process that started the tests
        Path running = leftover(live);
        Path ownProcess = leftover(ProcessHandle.current().pid()); // another thread of this process may be writing
        AtomicFile.write(target(), new byte[] {1});
        assertTrue(Files.exists(running));
        assertTrue(Files.exists(ownProcess));
    }

    @Test
    void lockedTemporaryIsKeptEvenWhenItsProcessIdLooksDead() throws Exception {
        // What a writer in another PID namespace (a container sharing the folder) looks like from here.
        Path locked = leftover(Processes.deadProcessId());
        try (FileChannel channel = FileChannel.open(locked, StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
            assertEquals(List.of(), AtomicFile.removeStaleTemporaries(target()));
            assertTrue(Files.exists(locked));
        }
        assertEquals(List.of(locked), AtomicFile.removeStaleTemporaries(target()));
    }

    @Test
    void temporariesOfOtherTargetsAreKept() throws Exception {
        long dead = Processes.deadProcessId();
        Path other = Files.writeString(dir.resolve(".other.safetensors." + dead + ".0123456789abcdef.tmp"), "x");
        Path longerName = Files.writeString(dir.resolve(".model.safetensors.old." + dead + ".0123456789abcdef.tmp"), "x");
        AtomicFile.write(target(), new byte[] {1});
        assertTrue(Files.exists(other));
        assertTrue(Files.exists(longerName));
    }

    @Test
    void oldStyleTemporariesAreRemovedOnlyOnceTheyAreHoursOld() throws IOException {
        Path old = Files.writeString(dir.resolve(".model.safetensors8244195725631963017.tmp"), "x");
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofHours(AtomicFile.LEGACY_STALE_HOURS + 1))));
        Path recent = Files.writeString(dir.resolve(".model.safetensors1093563375013624312.tmp"), "x");
        assertEquals(List.of(old), AtomicFile.removeStaleTemporaries(target()));
        assertTrue(Files.exists(recent));
    }
}
