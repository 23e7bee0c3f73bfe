package org.jnn.core.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces a file's content all at once: readers of the target see either the old file or the new
 * one complete, never a part, even if the writer crashes, is killed or the machine loses power.
 *
 * <pre>{@code
 * AtomicFile.write(target, bytes);
 * AtomicFile.write(target, out -> { out.write(header); out.write(body); });
 * }</pre>
 *
 * <p>How: the content goes to a temporary file in the target's folder (the same file system, so the
 * final rename cannot turn into a copy), named {@code .NAME.PID.RANDOM.tmp} after the target's name
 * {@code NAME} and the writing process's id. It is created like any new file ({@code CREATE_NEW}
 * without attributes), so it gets the permissions the user's umask gives every new file; not
 * {@code Files.createTempFile}, whose owner-only permissions would make a saved model private while
 * everything else the user writes is not. The temporary is forced to disk, renamed over the target
 * atomically (or, where the file system cannot rename atomically, moved over it), and the folder is
 * forced too, so the rename itself survives a power loss. On any failure, including one of the
 * caller's {@link Content}, the temporary is deleted and the target keeps its old content.
 *
 * <p>Leftovers: a process killed with {@code kill -9} in the middle of a write leaves its temporary
 * behind, and nothing else would ever remove it. So each write first removes the stale temporaries of
 * the same target (see {@link #removeStaleTemporaries}): those whose process is no longer alive. A
 * live writer's temporary is never taken: its process id says it is alive, and it holds an
 * exclusive lock on its temporary while writing (released by the operating system when the process
 * dies, however it dies), which covers processes whose ids this process cannot see (another PID
 * namespace, such as a container sharing the folder). A reused process id keeps a dead writer's
 * temporary until that process ends too: the safe mistake. Temporaries named the way
 * {@code Files.createTempFile} names them ({@code .NAME} followed by digits and {@code .tmp}, as
 * earlier versions of this project wrote them) carry no process id; they are removed when they have
 * not been modified for {@value #LEGACY_STALE_HOURS} hour(s), far longer than any save takes.
 */
public final class AtomicFile {

    /** What to write: the whole new content of the target, into {@code out} (buffered; do not close it). */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    static final int LEGACY_STALE_HOURS = 1;
    private static final int RANDOM_HEX_DIGITS = 16;

    private AtomicFile() {
    }

    /** Replaces {@code target}'s content with {@code bytes}; see {@link #write(Path, Content)}. */
    public static void write(Path target, byte[] bytes) throws IOException {
        Objects.requireNonNull(bytes, "bytes");
        write(target, out -> out.write(bytes));
    }

    /**
     * Replaces {@code target}'s content with what {@code content} writes, atomically. The target's
     * folder must exist. The new file gets the permissions of any new file under the current umask,
     * also when it replaces a file that had others.
     *
     * @throws IOException if the content cannot be written or moved into place, or {@code content}
     *     fails; the target then still has its old content (or is still absent), and no temporary
     *     file is left behind
     */
    public static void write(Path target, Content content) throws IOException {
        Objects.requireNonNull(content, "content");
        Path absolute = target.toAbsolutePath();
        Path folder = absolute.getParent();
        if (absolute.getFileName() == null || folder == null) {
            throw new IllegalArgumentException(target + " names no file inside a folder");
        }
        removeStaleTemporaries(absolute);
        Path temporary = folder.resolve(temporaryName(absolute.getFileName().toString()));
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                FileLock lock = lockIfPossible(channel);
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                content.writeTo(out);
                out.flush();
                channel.force(true); // the bytes are on disk before the name says they are complete
                if (lock != null) {
                    lock.release();
                }
            }
            try {
                Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
            forceFolder(folder);
        } finally {
            if (!moved) {
                Files.deleteIfExists(temporary);
            }
        }
    }

    /**
     * Deletes the temporaries that writes to {@code target} left behind when their process died
     * (see the class description for which ones count as stale); temporaries of live writers, of this
     * process, and of other targets stay. Problems (a file vanishing meanwhile, no permission) are
     * not errors: that file simply stays.
     *
     * @return the files deleted
     */
    public static List<Path> removeStaleTemporaries(Path target) {
        Path absolute = target.toAbsolutePath();
        Path folder = absolute.getParent();
        if (absolute.getFileName() == null || folder == null) {
            return List.of();
        }
        String name = Pattern.quote(absolute.getFileName().toString());
        Pattern ours = Pattern.compile("\\." + name + "\\.(\\d{1,18})\\.[0-9a-f]{" + RANDOM_HEX_DIGITS + "}\\.tmp");
        Pattern legacy = Pattern.compile("\\." + name + "\\d+\\.tmp");
        List<Path> removed = new ArrayList<>();
        String prefix = "." + absolute.getFileName();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder, p -> p.getFileName().toString().startsWith(prefix))) {
            for (Path candidate : entries) {
                String fileName = candidate.getFileName().toString();
                Matcher m = ours.matcher(fileName);
                boolean stale = m.matches() ? writerIsDead(candidate, Long.parseLong(m.group(1)))
                        : legacy.matcher(fileName).matches() && untouchedForHours(candidate);
                if (stale && Files.deleteIfExists(candidate)) {
                    removed.add(candidate);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Cleaning up is a courtesy: a folder that cannot be listed must not stop the write itself.
        }
        return removed;
    }

    private static String temporaryName(String targetName) {
        byte[] random = new byte[RANDOM_HEX_DIGITS / 2];
        ThreadLocalRandom.current().nextBytes(random);
        return "." + targetName + "." + ProcessHandle.current().pid() + "." + HexFormat.of().formatHex(random) + ".tmp";
    }

    /** An exclusive lock telling {@link #removeStaleTemporaries} in other processes that the writer lives; none where the file system has no locks. */
    private static FileLock lockIfPossible(FileChannel channel) {
        try {
            return channel.tryLock();
        } catch (IOException | OverlappingFileLockException e) {
            return null;
        }
    }

    private static boolean writerIsDead(Path temporary, long pid) {
        if (pid == ProcessHandle.current().pid()) {
            return false; // another thread of this process may be writing it
        }
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return false;
        }
        // The id is not alive here, but a process this one cannot see may still hold the lock.
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
            try {
                FileLock lock = channel.tryLock();
                if (lock == null) {
                    return false;
                }
                lock.release();
                return true;
            } catch (OverlappingFileLockException e) {
                return false;
            } catch (IOException e) {
                return true; // no locks on this file system: the process id is all there is to go by
            }
        } catch (IOException e) {
            return false; // gone already, or not ours to open
        }
    }

    private static boolean untouchedForHours(Path file) throws IOException {
        FileTime modified = Files.getLastModifiedTime(file);
        return modified.toInstant().isBefore(Instant.now().minus(Duration.ofHours(LEGACY_STALE_HOURS)));
    }

    private static void forceFolder(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Not every platform can open a folder (Windows cannot); the rename is done either way.
        }
    }
}
