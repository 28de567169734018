package io.livemig.migrator.transport;

import io.livemig.migrator.protocol.Ready;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A listener's admission gate over real loopback sockets: unadmitted connections have a deadline
 * for the whole handshake that trickling bytes do not extend, only a few wait at once, and an
 * admitted connection is free of both.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AdmissionGateTest {
    private static final Duration STEP = Duration.ofSeconds(5);
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new ArrayList<>();
    private Transport transport;
    private Listener listener;

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) s.close();
        if (listener != null) listener.close();
        if (transport != null) transport.close();
    }

    @Test
    void aSilentConnectionIsClosedAtTheHandshakeDeadline() throws Exception {
        listen(Duration.ofMillis(300), 16);
        Socket silent = rawConnect();
        long t0 = System.nanoTime();
        try (Connection server = listener.accept(STEP)) {
            assertThatThrownBy(() -> server.receive(STEP)).isInstanceOf(ConnectionException.class)
                    .hasRootCauseInstanceOf(AdmissionException.class).hasMessageContaining("no complete handshake within 300 ms");
        }
        assertThat(silent.getInputStream().read()).as("the peer sees the close").isEqualTo(-1);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isBetween(250L, 5_000L);
        assertThat(log).singleElement().asString().contains("--handshake-timeout");
    }

    @Test
    void bytesTricklingInDoNotExtendTheDeadline() throws Exception {
        listen(Duration.ofMillis(500), 16);
        Socket trickler = rawConnect();
        long t0 = System.nanoTime();
        OutputStream out = trickler.getOutputStream();
        // A frame header promising a large payload, one byte every 50 ms: never a complete message.
        assertThatThrownBy(() -> {
            for (int i = 0; i < 200; i++) {
                out.write(1);
                out.flush();
                Thread.sleep(50);
            }
        }).isInstanceOf(IOException.class);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isBetween(450L, 5_000L);
        assertThat(listener.pendingConnections()).isZero();
    }

    @Test
    void onlyMaxPendingConnectionsWaitAndTheOldestSilentOneMakesRoomForANewOne() throws Exception {
        listen(Duration.ofSeconds(20), 4);
        List<Socket> silent = new ArrayList<>();
        for (int i = 0; i < 10; i++) silent.add(rawConnect());
        awaitPending(4);
        try (Transport client = Transport.create(ConnectionOptions.DEFAULTS);
             Connection real = client.connect(address(), STEP)) {
            real.send(new Ready()).sync();
            // The real peer's message arrives although ten silent ones came first.
            Connection server = acceptTheOneThatSpeaks();
            try (server) {
                server.admitted();
                assertThat(listener.pendingConnections()).isLessThanOrEqualTo(4);
                server.send(new Ready()).sync();
                assertThat(real.receive(STEP)).isEqualTo(new Ready());
            }
        }
        // The first six silent ones were closed to make room; the last ones still wait.
        for (int i = 0; i < 6; i++) {
            silent.get(i).setSoTimeout(5_000);
            assertThat(silent.get(i).getInputStream().read()).as("silent connection %d closed", i).isEqualTo(-1);
        }
        assertThat(log).anyMatch(line -> line.contains("--max-pending"));
    }

    @Test
    void anAdmittedConnectionOutlivesTheHandshakeDeadline() throws Exception {
        listen(Duration.ofMillis(200), 16);
        try (Transport client = Transport.create(ConnectionOptions.DEFAULTS);
             Connection c = client.connect(address(), STEP);
             Connection server = listener.accept(STEP)) {
            server.admitted();
            assertThat(listener.pendingConnections()).isZero();
            Thread.sleep(500);
            c.send(new Ready()).sync();
            assertThat(server.receive(STEP)).isEqualTo(new Ready());
        }
    }

    @Test
    void aConnectionOnWhichNothingMovesForTheStallTimeoutFailsOnBothEnds() throws Exception {
        ConnectionOptions options = ConnectionOptions.DEFAULTS.withStallTimeout(Duration.ofMillis(300));
        transport = Transport.create(options);
        listener = transport.listen(new HostPort("127.0.0.1", 0), new AdmissionOptions(Duration.ofSeconds(20), 16, log::add));
        try (Connection client = transport.connect(address(), STEP); Connection server = listener.accept(STEP)) {
            server.admitted();
            client.send(new Ready()).sync();
            assertThat(server.receive(STEP)).isEqualTo(new Ready());
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> client.receive(STEP)).isInstanceOf(ConnectionException.class).hasMessageContaining("stalled");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isBetween(200L, 4_000L);
            assertThatThrownBy(() -> server.receive(STEP)).isInstanceOf(ConnectionException.class);
        }
    }

    @Test
    void theLogSaysAtMostOneLinePerIntervalAndCountsTheRest() {
        long[] now = {0};
        List<String> lines = new ArrayList<>();
        RateLimitedLog limited = new RateLimitedLog(lines::add, 1_000, () -> now[0]);
        for (int i = 0; i < 5; i++) limited.log(n -> n + " closed");
        now[0] = 1_000;
        limited.log(n -> n + " closed");
        assertThat(lines).containsExactly("1 closed", "5 closed");
    }

    private void listen(Duration handshakeTimeout, int maxPending) throws Exception {
        transport = Transport.create(ConnectionOptions.DEFAULTS);
        listener = transport.listen(new HostPort("127.0.0.1", 0), new AdmissionOptions(handshakeTimeout, maxPending, log::add));
    }

    private HostPort address() {
        return new HostPort("127.0.0.1", listener.localAddress().getPort());
    }

    private Socket rawConnect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), listener.localAddress().getPort());
        s.setSoTimeout(10_000);
        sockets.add(s);
        return s;
    }

    private void awaitPending(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (listener.pendingConnections() != n) {
            if (System.nanoTime() > deadline) throw new AssertionError("pending: " + listener.pendingConnections());
            Thread.sleep(5);
        }
    }

    /** Accepts until a connection with a message arrives (the silent ones still waiting are closed here). */
    private Connection acceptTheOneThatSpeaks() throws Exception {
        while (true) {
            Connection c = listener.accept(STEP);
            try {
                c.receive(Duration.ofMillis(200));
                return c;
            } catch (java.util.concurrent.TimeoutException | ConnectionException silent) {
                c.close();
            }
        }
    }
}
