package org.jnn.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The most memory a stretch of work used: the Java heap (the sum of each heap pool's peak) and, on
 * Linux, the process's resident set (which also counts native buffers such as ND4J's).
 */
final class PeakMemory {

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private final boolean residentReset;

    private PeakMemory(boolean residentReset) {
        this.residentReset = residentReset;
    }

    /** Resets the peaks and starts measuring. */
    static PeakMemory start() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
        boolean reset;
        try {
            // "5" resets the kernel's high-water mark of the resident set (VmHWM) to the current size.
            Files.writeString(CLEAR_REFS, "5");
            reset = true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            reset = false;
        }
        return new PeakMemory(reset);
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

    /** The peak resident set since {@link #start()}, or -1 where the system does not tell. */
    long peakResidentBytes() {
        if (!residentReset) {
            return -1;
        }
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
