package io.livemig.migrator.migration;

import io.livemig.emulator.MissingPages;
import io.livemig.emulator.PageDigests;
import io.livemig.emulator.VcpuState;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.postcopy.PageRequester;
import io.livemig.migrator.protocol.MissingMap;
import io.livemig.migrator.protocol.PostcopyStart;
import io.livemig.migrator.protocol.ProtocolException;

import java.util.List;

/**
 * The destination's side of the switch: collects the source's {@link MissingMap}s, then on
 * {@code PostcopyStart} loads the vCPU states and marks the pages missing (each page's CRC recorded as
 * it lands), ready for the guest to start. All of it is in the switch-over pause, so nothing here passes
 * over the bitmap word by word: the maps are copied in bulk into one bitmap, which the guest's
 * memory takes over as it is, with the count {@code PostcopyStart} announces. That count is checked
 * once the guest runs ({@link #checkCount}), on a copy taken before the start.
 */
final class PostcopyArrival {
    /** The guest, ready to run: its pages come through {@code missing}; its vCPUs ask for them through {@code requester}. */
    record Ready(MissingPages missing, PageRequester requester) {}

    private final long pageCount;
    private final long[] words;
    /** Words covered by a map so far, to refuse maps that overlap: each range comes once. */
    private final boolean[] covered;
    /** Made ahead, with the arrival: the switch-over pause only binds it. */
    private final PageRequester requester = new PageRequester();
    /** A copy of the maps taken at the start, counted after it; made ahead: the pause allocates nothing. */
    private final long[] marked;

    PostcopyArrival(long pageCount) {
        this.pageCount = pageCount;
        this.words = new long[(int) ((pageCount + 63) >>> 6)];
        this.marked = new long[words.length];
        this.covered = new boolean[(words.length + MissingMap.MAX_WORDS - 1) / MissingMap.MAX_WORDS];
    }

    /** One map: its words copied in place. Maps start on a chunk boundary and never overlap. */
    void map(MissingMap map) {
        long[] chunk = map.words();
        long firstWord = map.firstPage() >>> 6;
        if (firstWord % MissingMap.MAX_WORDS != 0 || firstWord + chunk.length > words.length) {
            throw new ProtocolException("missing map of pages " + map.firstPage() + ".." + (map.firstPage() + map.coveredPages() - 1)
                    + " for a guest of " + pageCount + " pages");
        }
        int index = (int) (firstWord / MissingMap.MAX_WORDS);
        if (covered[index]) throw new ProtocolException("missing map of page " + map.firstPage() + " sent twice");
        int tail = (int) (pageCount & 63);
        if (tail != 0 && firstWord + chunk.length == words.length && (chunk[chunk.length - 1] & (-1L << tail)) != 0) {
            throw new ProtocolException("missing map marks a page past the guest's " + pageCount);
        }
        covered[index] = true;
        System.arraycopy(chunk, 0, words, (int) firstWord, chunk.length);
    }

    /** vCPU states loaded, pages marked missing: the guest may start once its requests have a connection. */
    Ready ready(PostcopyStart start, VirtualMachine vm, List<VcpuState> vcpuStates, PageDigests digests) {
        if (start.missingPages() < 0 || start.missingPages() > pageCount) {
            throw new ProtocolException("POSTCOPY_START announces " + start.missingPages() + " missing pages of " + pageCount);
        }
        System.arraycopy(words, 0, marked, 0, words.length); // counted after the start: the guest's memory owns the original
        vm.loadVcpuStates(vcpuStates);
        MissingPages pages = vm.memory().beginMissing(words, start.missingPages(), vm.config().vcpus(), requester, digests);
        requester.bind(pages, PageRequester.NOBODY); // the post-copy phase binds its own failure handler before it reads
        return new Ready(pages, requester);
    }

    /**
     * After the start: the maps must mark exactly the pages {@code PostcopyStart} announced, or the
     * last page would never be known to have arrived (or would be thought to have arrived early).
     */
    void checkCount(PostcopyStart start) {
        long count = 0;
        for (long w : marked) count += Long.bitCount(w);
        if (count != start.missingPages()) {
            throw new ProtocolException("POSTCOPY_START announces " + start.missingPages() + " missing pages, the maps mark " + count);
        }
    }

    /** {@link #checkCount}, where a count that differs loses the guest: {@code phase} gives it up. */
    void checkCount(PostcopyStart start, DestinationPostcopy phase) throws GuestLostException {
        try {
            checkCount(start);
        } catch (ProtocolException e) {
            phase.abandon(e.getMessage());
            throw new GuestLostException(e.getMessage() + "; the guest is lost");
        }
    }
}
