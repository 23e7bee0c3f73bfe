package org.jnn.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The most memory a stretch of work used: the Java heap (the sum of each heap pool's peak since
 * {@link #start()}), and, on Linux, the most resident memory of the whole process so far (which also
 * counts native buffers such as ND4J's). The resident peak cannot be reset for a stretch of work: the
 * JVM keeps the heap it once touched, so after one run the next starts from the first one's size.
 * That is why {@code nn bench} runs each configuration in a JVM of its own.
 */
final class PeakMemory {

    private static final Path STATUS = Path.of("/proc/self/status");

    private PeakMemory() {
    }

    /** Resets the heap pools' peaks and starts measuring. */
    static PeakMemory start() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
        return new PeakMemory();
    }

    /** Sum over the heap pools of their peak use since {@link #start()}. */
    long peakHeapBytes() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    /** The process's peak resident set since it started (Linux's VmHWM), or -1 where the system does not tell. */
    static long processPeakResidentBytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmHWM:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024; // the kernel reports kB
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
