package io.livemig.migrator.migration;

import io.livemig.emulator.GuestMemory;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.jfr.StopAndCopyEvent;
import io.livemig.migrator.policy.RoundFigures;
import io.livemig.migrator.protocol.Ready;
import io.livemig.migrator.protocol.StopAndCopyDone;
import io.livemig.migrator.protocol.VcpuState;

import java.util.concurrent.CompletableFuture;

/**
 * The stop-and-copy phase: pause the guest, send the last dirty pages and the vCPU states, then
 * {@code StopAndCopyDone} with the memory digest, and wait for the destination's {@code Ready}
 * (it has loaded and, unless the check comes after resume, verified everything).
 */
final class StopAndCopy {
    private final SourceSession session;

    StopAndCopy(SourceSession session) {
        this.session = session;
    }

    /** @param round the number of this last round (the pre-copy rounds came before it) */
    void run(int round) throws Exception {
        session.cancellation.check();
        session.listener.phase("stop-and-copy");
        StopAndCopyEvent event = new StopAndCopyEvent();
        event.begin();
        VirtualMachine vm = session.vm;
        GuestMemory memory = vm.memory();
        SourceTimeline t = session.timeline;
        session.pauseGuest();
        long transferStart = session.clock.monotonicNanos();
        // The paused memory no longer changes: digest it on another core while the last pages go
        // out; or, with the check after resume, later, so it does not compete with the handover.
        boolean afterResume = session.options.verifyAfterResume();
        CompletableFuture<Long> digest = afterResume ? null : digestInBackground(memory);
        memory.dirtyLog().syncAndAdd(session.pending);
        PageSender.Sent sent = session.sender.send(session.pending, false, round, (done, total) -> { });
        for (io.livemig.emulator.VcpuState state : vm.saveVcpuStates()) {
            session.connection.send(new VcpuState(state.vcpu(), state.registers()));
        }
        t.finalTransferNanos = session.clock.monotonicNanos() - transferStart;
        long waitStart = session.clock.monotonicNanos();
        session.connection.send(afterResume
                ? new StopAndCopyDone(0, t.pauseStartNanos, true)
                : new StopAndCopyDone(digest.join(), t.pauseStartNanos, false));
        session.figures.account(sent, t.finalTransferNanos, 0, memory.pageSize());
        RoundFigures figures = new RoundFigures(round, sent.pages(), sent.bytes(), t.finalTransferNanos, 0, memory.pageSize(),
                vm.scheduler().minCapPct(), session.options.downtimeLimit().toNanos(), session.figures.transferredBytes(),
                session.sinceStartNanos());
        session.listener.round(session.figures.record(figures, 100, true, sent.wireBytes()), figures.remainingDirtyBytes());
        Replies.expect(session.connection, Ready.class, session.options.replyTimeout(), "stop-and-copy");
        t.verifyNanos = session.clock.monotonicNanos() - waitStart;
        session.digestVerified = !afterResume;
        event.pagesSent = sent.pages();
        event.bytesSent = sent.bytes();
        event.pauseNanos = t.pauseNanos;
        event.finalTransferNanos = t.finalTransferNanos;
        event.verifyNanos = t.verifyNanos;
        event.commit();
    }

    private static CompletableFuture<Long> digestInBackground(GuestMemory memory) {
        return CompletableFuture.supplyAsync(memory::digest, runnable -> {
            Thread thread = new Thread(runnable, "source-digest");
            thread.setDaemon(true);
            thread.start();
        });
    }
}
