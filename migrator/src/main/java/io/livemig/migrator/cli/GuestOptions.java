package io.livemig.migrator.cli;

import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.GuestMemory;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.protocol.ProtocolLimits;
import io.livemig.workloads.Workload;
import io.livemig.workloads.Workloads;
import picocli.CommandLine.Option;

/**
 * The options that describe a guest to boot: shared by {@code run}, {@code source} and
 * {@code estimate}. A guest that migrates (or whose migration is estimated) has pages of at most
 * the wire's limit, 1 MiB; {@code run} takes up to 2 MiB.
 */
final class GuestOptions {
    @Option(names = "--memory", required = true, paramLabel = "SIZE", converter = Converters.Size.class,
            description = "Guest memory, e.g. 512m.")
    long memoryBytes;

    @Option(names = "--vcpus", required = true, paramLabel = "N", description = "Number of vCPUs (1..64).")
    int vcpus;

    @Option(names = "--workload", required = true, paramLabel = "SPEC",
            description = "Guest program NAME[:key=value,...]: idle, memwrite, hotcold, kvstore, stencil; e.g. memwrite:wss=256m,rate=300m.")
    String workload;

    @Option(names = "--page-size", paramLabel = "SIZE", converter = Converters.Size.class, defaultValue = "4k",
            description = "Guest page size, a power of two: 4k (default) up to 1m for a guest that migrates (source, estimate: the wire's page limit), up to 2m for run.")
    long pageSize;

    GuestConfig config() {
        if (pageSize > GuestMemory.LARGE_PAGE_SIZE) throw new UsageException("--page-size must be at most 2m");
        return new GuestConfig(memoryBytes, (int) pageSize, vcpus);
    }

    /** Refuses (one line, exit 2) a page size the wire cannot carry, before anything is booted. */
    void refuseUnmigratable() {
        if (pageSize > ProtocolLimits.MAX_PAGE_BYTES) {
            throw new UsageException("--page-size must be at most 1m for a guest that migrates (the wire's page limit), got "
                    + pageSize + " bytes");
        }
    }

    /** Parses the spec, checks it fits, boots the guest (not started). */
    VirtualMachine boot(String name) {
        GuestConfig config = config();
        Workload program = Workloads.parse(workload);
        program.checkFits(config.memoryBytes(), config.pageSize(), config.vcpus());
        return VirtualMachine.boot(name, config, program);
    }
}
