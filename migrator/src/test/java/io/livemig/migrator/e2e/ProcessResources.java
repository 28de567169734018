package io.livemig.migrator.e2e;

import java.io.File;
import java.lang.management.ManagementFactory;

/** What a leak would grow in this process: threads, open file descriptors, heap after GC. */
public record ProcessResources(long threads, long fileDescriptors, long heapBytes) {

    public static ProcessResources now() throws InterruptedException {
        long heap = liveHeapBytes(); // first: its pauses also let closing threads and descriptors go
        return new ProcessResources(ManagementFactory.getThreadMXBean().getThreadCount(), openFileDescriptors(), heap);
    }

    /**
     * The least heap in use over three full collections, each read straight after its collection:
     * the guest's vCPUs keep running meanwhile, and what they allocate between a collection and the
     * reading is garbage, not a leak. The pause before each collection lets cleaners run.
     */
    private static long liveHeapBytes() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            Thread.sleep(50);
            System.gc();
            least = Math.min(least, rt.totalMemory() - rt.freeMemory());
        }
        return least;
    }

    private static long openFileDescriptors() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? 0 : fds.length;
    }
}
