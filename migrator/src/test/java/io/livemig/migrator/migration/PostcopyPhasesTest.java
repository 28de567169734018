package io.livemig.migrator.migration;

import io.livemig.emulator.DirtyBitmap;
import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.PageDigests;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.faults.CuttableRelay;
import io.livemig.migrator.protocol.Message;
import io.livemig.migrator.protocol.MissingMap;
import io.livemig.migrator.protocol.PostcopyAttach;
import io.livemig.migrator.protocol.PostcopyResume;
import io.livemig.migrator.protocol.PostcopyStart;
import io.livemig.migrator.protocol.Resumed;
import io.livemig.migrator.protocol.VcpuState;
import io.livemig.migrator.transport.Connection;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.Listener;
import io.livemig.migrator.transport.TokenBucketRateLimiter;
import io.livemig.migrator.transport.Transport;
import io.livemig.workloads.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The post-copy phases of both sides paired over loopback, without the pre-copy around them: the
 * switch, requests answered ahead of the push, the digest at the end, and a link cut in the middle.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PostcopyPhasesTest {
    private static final long MIB = 1 << 20;
    private static final Duration STEP = Duration.ofSeconds(10);

    @Test
    void aGuestResumedWithNoPageRunsOnAsItsPagesArriveAndVerifies() throws Exception {
        try (Pair pair = new Pair("memwrite:wss=12m,pattern=sequential", 16 * MIB, 2, 0)) {
            Outcome outcome = pair.migrate(null);
            assertThat(outcome.source.outcome()).isEqualTo(SourcePostcopy.Outcome.COMPLETED);
            assertThat(outcome.destination.digestVerified()).isTrue();
            assertThat(outcome.source.confirmation().memoryDigest()).isEqualTo(outcome.source.sourceDigest());
            assertThat(outcome.destination.pagesLoaded()).as("every page arrived once")
                    .isEqualTo(pair.source.memory().pageCount());
            assertThat(outcome.source.pagesPushed() + outcome.source.pagesAnswered())
                    .isGreaterThanOrEqualTo(pair.source.memory().pageCount());
            pair.checkDestinationGuest();
        }
    }

    @Test
    void pagesAskedForAreAnsweredAheadOfASlowPush() throws Exception {
        // 4 MiB/s: the push of 16 MiB takes 4 s, so the guest's first pages must come by request.
        try (Pair pair = new Pair("memwrite:wss=12m,pattern=sequential", 16 * MIB, 2, 4 * MIB)) {
            Outcome outcome = pair.migrate(null);
            assertThat(outcome.destination.faults().pagesRequested()).isPositive();
            assertThat(outcome.source.pagesAnswered()).isPositive();
            assertThat(outcome.destination.faults().faults()).isGreaterThanOrEqualTo(outcome.destination.faults().pagesRequested());
            pair.checkDestinationGuest();
        }
    }

    @Test
    void aLinkCutDuringPostcopyPausesBothSidesAndTheMigrationCompletesAfterTheSourceReconnects() throws Exception {
        try (Pair pair = new Pair("kvstore:records=20000,value=128", 16 * MIB, 1, 4 * MIB)) {
            Outcome outcome = pair.migrate(relay -> {
                sleep(700);
                relay.cutAll();
            });
            assertThat(outcome.source.recoveries()).isGreaterThanOrEqualTo(1);
            assertThat(outcome.destination.recoveries()).isGreaterThanOrEqualTo(1);
            assertThat(outcome.destination.digestVerified()).isTrue();
            pair.checkDestinationGuest();
        }
    }

    record Outcome(SourcePostcopy.Result source, DestinationPostcopy.Result destination) {}

    interface Fault {
        void inject(CuttableRelay relay) throws Exception;
    }

    /** A booted source guest, a destination listener with its doors, and a relay between them. */
    private static final class Pair implements AutoCloseable {
        final VirtualMachine source;
        final Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
        final Listener listener;
        final CuttableRelay relay;
        final Handshake handshake = new Handshake();
        final PostcopyDoors doors = new PostcopyDoors(STEP);
        final DestinationOptions destinationOptions = new DestinationOptions(1L << 30, STEP, Workloads::parse, Duration.ofSeconds(1));
        final MigrationOptions options;
        final List<Connection> extra = new ArrayList<>();
        volatile VirtualMachine destination;

        Pair(String workload, long memory, int vcpus, long bandwidth) throws Exception {
            source = VirtualMachine.boot("src", new GuestConfig(memory, vcpus), Workloads.parse(workload));
            listener = transport.listen(new HostPort("127.0.0.1", 0));
            relay = new CuttableRelay(new HostPort("127.0.0.1", listener.localAddress().getPort()));
            options = MigrationOptions.defaults().withBandwidth(bandwidth);
            source.start();
            Thread.sleep(200);
        }

        Outcome migrate(Fault fault) throws Exception {
            CompletableFuture<DestinationPostcopy.Result> arrived = CompletableFuture.supplyAsync(this::receive);
            Connection main = transport.connect(relay.address(), STEP);
            byte[] id = handshake.sourceSide(main, STEP);
            PostcopyLinks links = new PostcopyLinks(transport, relay.address(), handshake, id, options);
            Connection requests = links.openRequests();
            long pauseStart = System.nanoTime();
            source.pause();
            DirtyBitmap all = new DirtyBitmap(source.memory().pageCount());
            all.setAll();
            long rate = options.bandwidthBytesPerS();
            SourcePostcopy postcopy = new SourcePostcopy(source, main, requests, links,
                    new TokenBucketRateLimiter(rate, rate <= 0 ? 0 : Math.max(64 * 1024, rate / 50)), options, Duration.ofSeconds(10));
            postcopy.sendSwitch(all, pauseStart);
            source.markMigrated();
            CompletableFuture<Void> injected = fault == null ? CompletableFuture.completedFuture(null)
                    : CompletableFuture.runAsync(() -> {
                        try {
                            fault.inject(relay);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
            SourcePostcopy.Result sent = postcopy.serve();
            injected.get(10, TimeUnit.SECONDS);
            return new Outcome(sent, arrived.get(30, TimeUnit.SECONDS));
        }

        /** The destination: main connection, extra connections routed to the door, the switch, post-copy. */
        private DestinationPostcopy.Result receive() {
            try {
                Connection main = listener.accept(STEP);
                byte[] id = handshake.destinationSide(main, STEP);
                PostcopyDoor door = doors.open(id);
                Thread acceptor = new Thread(this::acceptExtra, "test-extra-acceptor");
                acceptor.setDaemon(true);
                acceptor.start();
                VirtualMachine vm = VirtualMachine.incoming("dest", source.config(), source.program());
                destination = vm;
                PostcopyArrival arrival = new PostcopyArrival(vm.memory().pageCount());
                List<io.livemig.emulator.VcpuState> states = new ArrayList<>();
                while (true) {
                    Message m = main.receive(STEP);
                    if (m instanceof VcpuState s) states.add(new io.livemig.emulator.VcpuState(s.vcpu(), s.registers()));
                    else if (m instanceof MissingMap map) arrival.map(map);
                    else if (m instanceof PostcopyStart start) {
                        PageDigests digests = new PageDigests(vm.memory());
                        PostcopyArrival.Ready ready = arrival.ready(start, vm, states, digests);
                        DestinationPostcopy phase = new DestinationPostcopy(destinationOptions, main, door, vm, ready.missing(),
                                ready.requester(), digests, Duration.ofMillis(start.recoverTimeoutMillis()));
                        phase.startGuest();
                        main.send(new Resumed(System.nanoTime(), 0));
                        return phase.run();
                    } else throw new AssertionError("unexpected " + m);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        private void acceptExtra() {
            while (true) {
                try {
                    Connection c = listener.accept(Duration.ofSeconds(60));
                    extra.add(c);
                    handshake.destinationSide(c, STEP);
                    Message first = c.receive(STEP);
                    if (first instanceof PostcopyAttach attach) doors.attach(attach.migrationId(), c);
                    else if (first instanceof PostcopyResume resume) doors.resume(resume.migrationId(), c);
                    else c.close();
                } catch (Exception e) {
                    return;
                }
            }
        }

        void checkDestinationGuest() throws Exception {
            VirtualMachine vm = destination;
            long ops = vm.totalOps();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (vm.totalOps() <= ops && System.nanoTime() < deadline) Thread.sleep(5);
            assertThat(vm.totalOps()).as("the guest runs on").isGreaterThan(ops);
            assertThat(vm.verify().ok()).as(vm.verify().detail()).isTrue();
        }

        @Override
        public void close() throws Exception {
            relay.close();
            if (destination != null) destination.close();
            source.close();
            listener.close();
            extra.forEach(Connection::close);
            transport.close();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
