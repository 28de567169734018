package io.livemig.migrator.cli;

import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.GuestMemory;
import io.livemig.emulator.VirtualMachine;
import io.livemig.workloads.Workload;
import io.livemig.workloads.Workloads;
import picocli.CommandLine.Option;

/** The options that describe a guest to boot: shared by {@code run} and {@code source}. */
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
            description = "Guest page size: 4k (default) or up to 2m.")
    long pageSize;

    GuestConfig config() {
        if (pageSize > GuestMemory.LARGE_PAGE_SIZE) throw new UsageException("--page-size must be at most 2m");
        return new GuestConfig(memoryBytes, (int) pageSize, vcpus);
    }

    /** Parses the spec, checks it fits, boots the guest (not started). */
    VirtualMachine boot(String name) {
        GuestConfig config = config();
        Workload program = Workloads.parse(workload);
        program.checkFits(config.memoryBytes(), config.pageSize(), config.vcpus());
        return VirtualMachine.boot(name, config, program);
    }
}
