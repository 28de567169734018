package io.livemig.emulator;

import java.util.function.IntConsumer;

/** Work over guest memory split into parts: part 0 runs on the caller's thread, each other part on a thread of its own, all joined. */
final class PartedWork {
    private PartedWork() {}

    /**
     * Runs {@code part} for 0 .. {@code parts - 1} and returns when every part is done.
     *
     * @param what for the threads' names and the message when interrupted ("digest", "prefault")
     */
    static void run(int parts, String what, IntConsumer part) {
        Thread[] workers = new Thread[parts - 1];
        for (int p = 1; p < parts; p++) {
            int index = p;
            workers[p - 1] = new Thread(() -> part.accept(index), what + "-" + p);
            workers[p - 1].start();
        }
        part.accept(0);
        for (Thread worker : workers) {
            try {
                worker.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted during the " + what + " of guest memory", e);
            }
        }
    }
}
