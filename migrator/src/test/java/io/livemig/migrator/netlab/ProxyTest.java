package io.livemig.migrator.netlab;

import io.livemig.migrator.transport.HostPort;
import io.livemig.workloads.Sizes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The proxy over real loopback sockets: an echo or counting server behind it, a plain blocking
 * client in front. Only lower bounds on time are asserted (shaping can only delay), with generous
 * upper bounds where a hang must be told from a delay.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProxyTest {
    private final List<String> log = new CopyOnWriteArrayList<>();
    private Backend backend;
    private Proxy proxy;

    @AfterEach
    void stop() throws IOException {
        if (proxy != null) proxy.close();
        if (backend != null) backend.close();
    }

    @Test
    void aDirectProxyRelaysBytesBothWaysAndCountsThem() throws Exception {
        start(LinkSettings.DIRECT, true);
        try (Socket client = connect()) {
            byte[] sent = new byte[100_000];
            for (int i = 0; i < sent.length; i++) sent[i] = (byte) (i * 31);
            client.getOutputStream().write(sent);
            byte[] back = client.getInputStream().readNBytes(sent.length);
            assertThat(back).isEqualTo(sent);
        }
        long[] counters = proxy.counters();
        assertThat(counters[0]).isEqualTo(100_000);
        assertThat(counters[1]).isEqualTo(100_000);
        assertThat(counters[2]).isEqualTo(1);
    }

    @Test
    void latencyDelaysEveryRoundTripByAtLeastTheSetAmount() throws Exception {
        start(LinkSettings.DIRECT.withLatency(Schedule.constant(TimeUnit.MILLISECONDS.toNanos(80))), true);
        try (Socket client = connect()) {
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                client.getOutputStream().write(i);
                assertThat(client.getInputStream().read()).isEqualTo(i);
                long rttMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertThat(rttMs).as("round trip %d", i).isBetween(79L, 5_000L);
            }
        }
    }

    @Test
    void bandwidthHoldsTheRateDown() throws Exception {
        long rate = 4L << 20;
        start(LinkSettings.DIRECT.withBandwidth(Schedule.constant(rate)), false);
        try (Socket client = connect()) {
            long t0 = System.nanoTime();
            client.getOutputStream().write(new byte[2 << 20]);
            backend.awaitBytes(2 << 20, 20_000);
            double seconds = (System.nanoTime() - t0) / 1e9;
            // 2 MiB at 4 MiB/s takes 0.5 s at least, however fast the machine.
            assertThat(seconds).isGreaterThan(0.45);
        }
    }

    @Test
    void aStallHoldsEverythingAfterItsByteForItsDurationThenTheLinkCarriesOn() throws Exception {
        start(LinkSettings.DIRECT.withStall(1000, TimeUnit.MILLISECONDS.toNanos(600)), true);
        try (Socket client = connect()) {
            OutputStream out = client.getOutputStream();
            InputStream in = client.getInputStream();
            out.write(new byte[1000]);
            long t0 = System.nanoTime();
            assertThat(in.readNBytes(1000)).hasSize(1000);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as("before the stall: no delay").isLessThan(550);
            long t1 = System.nanoTime();
            out.write(7);
            assertThat(in.read()).isEqualTo(7);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t1)).as("the byte after the stall point").isBetween(590L, 10_000L);
            long t2 = System.nanoTime();
            out.write(8);
            assertThat(in.read()).isEqualTo(8);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t2)).as("once only").isLessThan(550);
        }
        assertThat(log).anyMatch(line -> line.startsWith("stall at byte 1000"));
    }

    @Test
    void aResetDeliversTheBytesBeforeItsPointThenResetsBothEndsAndLaterConnectionsPass() throws Exception {
        start(LinkSettings.DIRECT.withReset(10_000), false);
        try (Socket client = connect()) {
            assertThatThrownBy(() -> {
                OutputStream out = client.getOutputStream();
                for (int i = 0; i < 100; i++) {
                    out.write(new byte[1000]);
                    Thread.sleep(5);
                }
                client.getInputStream().read(); // a reset peer fails the read or the write
            }).isInstanceOf(IOException.class);
        }
        backend.awaitClosed(1, 10_000);
        assertThat(backend.bytes.get()).as("exactly the bytes before the reset point").isEqualTo(10_000);
        assertThat(backend.resets.get()).as("the server's end was reset, not closed").isEqualTo(1);
        try (Socket again = connect()) {
            again.getOutputStream().write(new byte[50_000]);
            backend.awaitBytes(60_000, 10_000);
        }
        assertThat(log).anyMatch(line -> line.startsWith("reset at byte 10000"));
    }

    @Test
    void aBandwidthScheduleChangesTheRateOverTime() throws Exception {
        Schedule schedule = Schedule.parse("0s=64m,300ms=1m", "test", Sizes::parseRate);
        assertThat(schedule.valueAt(0)).isEqualTo(64L << 20);
        assertThat(schedule.valueAt(TimeUnit.MILLISECONDS.toNanos(299))).isEqualTo(64L << 20);
        assertThat(schedule.valueAt(TimeUnit.SECONDS.toNanos(9))).isEqualTo(1L << 20);
        start(LinkSettings.DIRECT.withBandwidth(schedule), false);
        try (Socket client = connect()) {
            Thread.sleep(350);
            long t0 = System.nanoTime();
            client.getOutputStream().write(new byte[512 << 10]);
            backend.awaitBytes(512 << 10, 20_000);
            // After 300 ms the link carries 1 MiB/s: half a MiB needs half a second.
            assertThat((System.nanoTime() - t0) / 1e9).isGreaterThan(0.45);
        }
    }

    @Test
    void badSchedulesAreRefusedInOneLine() {
        assertThatThrownBy(() -> Schedule.parse("5s=10m", "--bandwidth-schedule", Sizes::parseRate))
                .hasMessageContaining("first entry must be at 0s");
        assertThatThrownBy(() -> Schedule.parse("0s=10m,2s=5m,1s=1m", "--bandwidth-schedule", Sizes::parseRate))
                .hasMessageContaining("times must increase");
        assertThatThrownBy(() -> Schedule.parse("0s", "--bandwidth-schedule", Sizes::parseRate))
                .hasMessageContaining("TIME=VALUE");
        assertThatThrownBy(() -> LinkSettings.parseStall("64m")).hasMessageContaining("BYTES:DURATION");
    }

    private void start(LinkSettings settings, boolean echo) throws Exception {
        backend = new Backend(echo);
        proxy = Proxy.start(new HostPort("127.0.0.1", 0), new HostPort("127.0.0.1", backend.port()), settings, log::add);
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.localAddress().getPort());
        s.setTcpNoDelay(true);
        s.setSoTimeout(20_000);
        return s;
    }

    /** A server behind the proxy: echoes, or only counts, what it receives; counts closes and resets. */
    private static final class Backend implements AutoCloseable {
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong closes = new AtomicLong();
        final AtomicLong resets = new AtomicLong();
        private final ServerSocket server;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();

        Backend(boolean echo) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        sockets.add(s);
                        Thread t = new Thread(() -> serve(s, echo), "backend-conn");
                        t.setDaemon(true);
                        t.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "backend-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void serve(Socket s, boolean echo) {
            byte[] buf = new byte[64 << 10];
            try (s) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                for (int n; (n = in.read(buf)) > 0; ) {
                    bytes.addAndGet(n);
                    if (echo) out.write(buf, 0, n);
                }
            } catch (IOException e) {
                if (String.valueOf(e.getMessage()).contains("reset")) resets.incrementAndGet();
            } finally {
                closes.incrementAndGet();
            }
        }

        void awaitBytes(long n, long timeoutMs) throws InterruptedException {
            long deadline = System.currentTimeMillis() + timeoutMs;
            while (bytes.get() < n) {
                if (System.currentTimeMillis() > deadline) throw new AssertionError("backend got " + bytes.get() + " of " + n + " bytes");
                Thread.sleep(2);
            }
        }

        void awaitClosed(long n, long timeoutMs) throws InterruptedException {
            long deadline = System.currentTimeMillis() + timeoutMs;
            while (closes.get() < n) {
                if (System.currentTimeMillis() > deadline) throw new AssertionError("backend connections closed: " + closes.get());
                Thread.sleep(2);
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : sockets) s.close();
        }
    }
}
