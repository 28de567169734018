package io.livemig.migrator.e2e;

import java.io.File;
import java.lang.management.ManagementFactory;

/** What a leak would grow in this process: threads, open file descriptors, heap after GC. */
public record ProcessResources(long threads, long fileDescriptors, long heapBytes) {

    public static ProcessResources now() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        Runtime rt = Runtime.getRuntime();
        String[] fds = new File("/proc/self/fd").list();
        return new ProcessResources(ManagementFactory.getThreadMXBean().getThreadCount(), fds == null ? 0 : fds.length,
                rt.totalMemory() - rt.freeMemory());
    }
}
