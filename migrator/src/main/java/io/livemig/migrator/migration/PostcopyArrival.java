package io.livemig.migrator.migration;

import io.livemig.emulator.DirtyBitmap;
import io.livemig.emulator.MissingPages;
import io.livemig.emulator.PageDigests;
import io.livemig.emulator.VcpuState;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.postcopy.MissingMaps;
import io.livemig.migrator.postcopy.PageRequester;
import io.livemig.migrator.protocol.MissingMap;
import io.livemig.migrator.protocol.PostcopyStart;
import io.livemig.migrator.protocol.ProtocolException;

import java.util.List;

/**
 * The destination's side of the switch: collects the source's {@link MissingMap}s, then on
 * {@code PostcopyStart} checks them against its count, loads the vCPU states, marks the pages
 * missing (each page's CRC recorded as it lands) and starts the guest.
 */
final class PostcopyArrival {
    /** The guest runs; its pages come through {@code missing}; its vCPUs ask for them through {@code requester}. */
    record Started(MissingPages missing, PageRequester requester, long resumedAtNanos) {}

    private final DirtyBitmap missing;
    /** Made ahead, with the arrival: the switch-over pause only binds it. */
    private final PageRequester requester = new PageRequester();

    PostcopyArrival(long pageCount) {
        this.missing = new DirtyBitmap(pageCount);
    }

    void map(MissingMap map) {
        MissingMaps.addTo(map, missing);
    }

    Started start(PostcopyStart start, VirtualMachine vm, List<VcpuState> vcpuStates, PageDigests digests) {
        if (start.missingPages() != missing.cardinality()) {
            throw new ProtocolException("POSTCOPY_START announces " + start.missingPages() + " missing pages, the maps mark "
                    + missing.cardinality());
        }
        vm.loadVcpuStates(vcpuStates);
        MissingPages pages = vm.memory().beginMissing(missing, vm.config().vcpus(), requester, digests);
        requester.bind(pages, PageRequester.NOBODY); // the post-copy phase binds its own failure handler before it reads
        vm.start();
        return new Started(pages, requester, System.nanoTime());
    }
}
