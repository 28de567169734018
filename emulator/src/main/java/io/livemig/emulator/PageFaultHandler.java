package io.livemig.emulator;

/**
 * What the emulator asks of whoever fills a guest's missing pages (the migrator's post-copy
 * destination): fetch page N. The emulator's own "userfaultfd": a vCPU that touches a missing
 * page calls {@link #requestPage} once for that page (however many vCPUs fault on it) and blocks
 * until the page is loaded through {@link MissingPages#load}.
 *
 * <p>Called on the faulting thread, so it must return quickly (queue the request, never wait for
 * the answer) and must not touch guest memory.
 */
@FunctionalInterface
public interface PageFaultHandler {
    void requestPage(long page);
}
