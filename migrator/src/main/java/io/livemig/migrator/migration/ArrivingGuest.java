package io.livemig.migrator.migration;

import io.livemig.emulator.CpuScheduler;
import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.GuestProgram;
import io.livemig.emulator.PageDigests;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.protocol.GuestOffer;
import io.livemig.migrator.transport.IoCodeCompilation;

/**
 * An admitted guest made ready to receive: its VM (not started), the page digests recorded as pages
 * land, the sink that loads them; for a pre-copy offer, this JVM's I/O code compiled for a page stream.
 */
record ArrivingGuest(VirtualMachine vm, PageDigests digests, GuestPages sink) {
    /** Faulting fresh memory in scales with threads here (1 GiB: 1.7 s on one, 1.0 s on two). */
    private static final int PREFAULT_THREADS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

    static ArrivingGuest prepare(String name, GuestOffer offer, GuestProgram program, DestinationOptions options) {
        // Pre-copy only: this JVM's I/O code goes to C1 (IoCodeCompilation says why, and why not
        // before a post-copy switch); its JMX load runs on its own thread while the memory is touched.
        if (!offer.mode().mayUsePostcopy() && options.keepsIoCodeFromC2()) IoCodeCompilation.requestOnce();
        // The guest's heartbeats follow this host's wall clock (shifted too, under --clock-skew).
        VirtualMachine vm = VirtualMachine.incoming(name, new GuestConfig(offer.memoryBytes(), offer.pageSize(), offer.vcpus()),
                program, CpuScheduler.DEFAULT_PERIOD, options.clock().wallClock());
        PageDigests digests = new PageDigests(vm.memory());
        // Like QEMU's -mem-prealloc: the first touch of fresh memory (a host fault per page here)
        // happens before Accept, in the source's setup time, instead of on the loader's path.
        if (options.preallocate()) vm.memory().prefault(PREFAULT_THREADS);
        vm.prestartVcpus(); // their threads' creation is off the pause: the guest's start only wakes them
        return new ArrivingGuest(vm, digests, new GuestPages(vm.memory(), digests));
    }
}
