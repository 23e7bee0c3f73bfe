package org.jnn.mnist;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLockInterruptionException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One fetcher at a time per data folder, across processes and threads: whoever holds it checks,
 * quarantines, fetches and places that folder's files; the others wait, and when their turn comes
 * they find the files already good.
 *
 * <p>Across processes it is an exclusive {@link FileChannel#lock() lock} on the file
 * {@value #FILE_NAME} in the folder, which the operating system releases however its holder ends, even
 * by {@code kill -9}, so a crash never leaves the folder locked. The file itself stays (deleting a lock
 * file while someone waits on it would let two holders in). Within one process a lock per folder comes
 * first, since a JVM cannot hold two locks on one file. Where no lock can be taken (a read-only data
 * folder that already holds good files, a file system without locks) the fetcher goes on without
 * one; every step of it is then still safe if another process has done it first.
 */
final class DataFolderLock implements AutoCloseable {

    /** The lock file's name inside the data folder. */
    static final String FILE_NAME = ".lock";

    private static final ConcurrentHashMap<Path, ReentrantLock> IN_THIS_PROCESS = new ConcurrentHashMap<>();

    private final ReentrantLock threads;
    /** Holds the file lock while open; {@code null} where the lock file could not be opened. */
    private final FileChannel channel;

    private DataFolderLock(ReentrantLock threads, FileChannel channel) {
        this.threads = threads;
        this.channel = channel;
    }

    /**
     * Waits for the lock of {@code folder} (which must exist) and takes it.
     *
     * @param waiting told once, before waiting, if another thread or process holds the lock
     */
    static DataFolderLock acquire(Path folder, Consumer<String> waiting) throws IOException {
        Path real = folder.toRealPath(); // two names of one folder share one lock
        ReentrantLock threads = IN_THIS_PROCESS.computeIfAbsent(real, p -> new ReentrantLock());
        if (!threads.tryLock()) {
            waiting.accept("waiting for another thread that is fetching into " + folder);
            threads.lock();
        }
        try {
            FileChannel channel;
            try {
                channel = FileChannel.open(real.resolve(FILE_NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            } catch (IOException e) {
                // Not ours to write (read-only, another user's): only checking can happen, so go on without it.
                return new DataFolderLock(threads, null);
            }
            try {
                if (channel.tryLock() == null) {
                    waiting.accept("waiting for another process that is fetching into " + folder);
                    channel.lock();
                }
            } catch (ClosedByInterruptException | FileLockInterruptionException e) {
                closeQuietly(channel);
                throw e;
            } catch (IOException e) {
                // No locks on this file system (some network file systems): go on without one.
            }
            return new DataFolderLock(threads, channel);
        } catch (IOException | RuntimeException | Error e) {
            threads.unlock();
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            closeQuietly(channel); // closing the channel releases the file lock
        } finally {
            threads.unlock();
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // the lock goes with the channel, or with the process at the latest
            }
        }
    }
}
