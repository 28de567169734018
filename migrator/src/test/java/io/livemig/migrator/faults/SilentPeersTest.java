package io.livemig.migrator.faults;

import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.migration.DestinationOptions;
import io.livemig.migrator.migration.Handshake;
import io.livemig.migrator.migration.HostingSlot;
import io.livemig.migrator.migration.DestinationPort;
import io.livemig.migrator.migration.MigrationDestination;
import io.livemig.migrator.migration.MigrationListener;
import io.livemig.migrator.migration.MigrationOptions;
import io.livemig.migrator.migration.MigrationSource;
import io.livemig.migrator.policy.NoConvergencePolicy;
import io.livemig.migrator.security.Destinations;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.stats.MigrationStatus;
import io.livemig.migrator.transport.AdmissionOptions;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.Listener;
import io.livemig.migrator.transport.Transport;
import io.livemig.workloads.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A destination (in this JVM, with the same accept loop as {@code livemig dest}) while 20 peers
 * connect and say nothing and 2 send one byte at a time: a real source still migrates while they
 * all still wait (their handshake deadline is far beyond the test's timeout, so the migration
 * cannot have waited for them), and threads and descriptors stay bounded by --max-pending.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SilentPeersTest {
    private static final long MIB = 1 << 20;
    private static final int MAX_PENDING = 8;
    /** Far beyond the test's own timeout: a migration that waited for the silent peers to expire could not pass. */
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofMinutes(10);

    @Test
    void silentAndTricklingPeersDoNotHoldTheDestination() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        DestinationOptions options = new DestinationOptions(1L << 30, Duration.ofSeconds(60), Workloads::parse, Duration.ofSeconds(1));
        MigrationDestination destination = new MigrationDestination(options, new Handshake(), phase -> { }, new HostingSlot());
        List<Socket> attackers = new ArrayList<>();
        AtomicBoolean trickling = new AtomicBoolean(true);
        try (Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
             Listener listener = transport.listen(new HostPort("127.0.0.1", 0), new AdmissionOptions(HANDSHAKE_TIMEOUT, MAX_PENDING, log::add));
             DestinationPort incoming = new DestinationPort(listener, destination, "dest", log::add);
             VirtualMachine vm = VirtualMachine.boot("src", new GuestConfig(32 * MIB, 1), Workloads.parse("kvstore:records=20000,value=100"))) {
            vm.start();
            int threadsBefore = threads();
            int fdsBefore = fds();
            int port = listener.localAddress().getPort();
            for (int i = 0; i < 20; i++) attackers.add(connect(port));
            for (int i = 0; i < 2; i++) {
                Socket s = connect(port);
                attackers.add(s);
                Thread t = new Thread(() -> trickle(s, trickling), "trickler");
                t.setDaemon(true);
                t.start();
            }
            Thread.sleep(300);

            MigrationStats stats = new MigrationSource(vm, new NoConvergencePolicy(), MigrationOptions.defaults(),
                    MigrationListener.SILENT, new Handshake(), 0).migrate(transport, new HostPort("127.0.0.1", port));

            assertThat(stats.status()).as(stats.error()).isEqualTo(MigrationStatus.COMPLETED);
            assertThat(stats.digestVerified()).isTrue();
            VirtualMachine arrived = incoming.next(Duration.ofSeconds(30)).incoming().vm();
            try (arrived) {
                Destinations.awaitOps(arrived, arrived.totalOps() + 1);
                assertThat(arrived.verify().ok()).as(arrived.verify().detail()).isTrue();
            }
            assertThat(listener.pendingConnections()).as("the silent peers still wait, holding nothing")
                    .isPositive().isLessThanOrEqualTo(MAX_PENDING);
            // Unbounded, each of the 22 peers would cost a thread and a descriptor here.
            assertThat(settledThreads() - threadsBefore)
                    .as(() -> "threads: a worker per pending connection and the migration's, the 2 tricklers, the guest's; now "
                            + Thread.getAllStackTraces().keySet().stream().map(Thread::getName).sorted().toList())
                    .isLessThanOrEqualTo(MAX_PENDING + 1 + 2 + 4);
            assertThat(fds() - fdsBefore).as("descriptors: the 22 peers' own ends, the pending ones here, the rest closed at once")
                    .isLessThanOrEqualTo(22 + MAX_PENDING + 6);
            assertThat(log).anyMatch(line -> line.contains("--max-pending"));
        } finally {
            trickling.set(false);
            for (Socket s : attackers) s.close();
        }
    }

    private static Socket connect(int port) throws IOException {
        return new Socket(InetAddress.getLoopbackAddress(), port);
    }

    private static void trickle(Socket s, AtomicBoolean on) {
        try {
            OutputStream out = s.getOutputStream();
            while (on.get()) {
                out.write(0);
                out.flush();
                Thread.sleep(200);
            }
        } catch (IOException | InterruptedException e) {
            // closed by the destination: what the test expects sooner or later
        }
    }

    private static int threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    /** The thread count once threads that just finished their work (a digest, a sampler) have exited: 2 s at most. */
    private static int settledThreads() throws InterruptedException {
        int last = threads();
        for (int i = 0; i < 20; i++) {
            Thread.sleep(100);
            int now = threads();
            if (now == last) return now;
            last = now;
        }
        return last;
    }

    private static int fds() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? 0 : fds.length;
    }
}
