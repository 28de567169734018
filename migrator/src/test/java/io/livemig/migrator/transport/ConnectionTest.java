package io.livemig.migrator.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.livemig.migrator.protocol.Abort;
import io.livemig.migrator.protocol.FrameFormat;
import io.livemig.migrator.protocol.HeapPages;
import io.livemig.migrator.protocol.MessageType;
import io.livemig.migrator.protocol.PageBatchEncoder;
import io.livemig.migrator.protocol.ProtocolException;
import io.livemig.migrator.protocol.Ready;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConnectionTest {

    private static final Duration STEP = Duration.ofSeconds(5);

    private Transport transport;
    private Listener listener;

    @BeforeEach
    void start() throws Exception {
        transport = Transport.create(ConnectionOptions.DEFAULTS);
        listener = transport.listen(new HostPort("127.0.0.1", 0));
    }

    @AfterEach
    void stop() {
        listener.close();
        transport.close();
    }

    @Test
    void receiveTimesOutAndTheConnectionStaysUsable() throws Exception {
        try (Connection client = connect(); Connection server = listener.accept(STEP)) {
            assertThatThrownBy(() -> server.receive(Duration.ofMillis(50))).isInstanceOf(TimeoutException.class);
            client.send(new Ready());
            assertThat(server.receive(STEP)).isEqualTo(new Ready());
        }
    }

    @Test
    void messagesEncodedTogetherAndSentAsOneFrameBufferArriveInOrder() throws Exception {
        try (Connection client = connect(); Connection server = listener.accept(STEP)) {
            io.netty.buffer.ByteBuf frames = client.alloc().directBuffer();
            io.livemig.migrator.protocol.MessageCodec.encodeAll(frames, java.util.List.of(new Abort("one"), new Abort("two"), new Ready()));
            client.sendPages(frames).sync();
            assertThat(server.receive(STEP)).isEqualTo(new Abort("one"));
            assertThat(server.receive(STEP)).isEqualTo(new Abort("two"));
            assertThat(server.receive(STEP)).isEqualTo(new Ready());
        }
    }

    @Test
    void queuedMessagesAreDeliveredBeforeThePeersClose() throws Exception {
        try (Connection client = connect(); Connection server = listener.accept(STEP)) {
            client.send(new Abort("no space")).sync();
            client.close();
            assertThat(server.receive(STEP)).isEqualTo(new Abort("no space"));
            assertThatThrownBy(() -> server.receive(STEP))
                    .isInstanceOf(ConnectionException.class)
                    .hasMessageContaining("closed by the peer");
            // The first error stays: later calls report the same cause.
            assertThatThrownBy(() -> server.send(new Ready()))
                    .isInstanceOf(ConnectionException.class)
                    .hasMessageContaining("closed by the peer");
        }
    }

    @Test
    void anEventLoopReaderGetsTheQueuedMessagesFirstThenEachNewOneInOrderThenTheFailureOnce() throws Exception {
        try (Connection client = connect(); Connection server = listener.accept(STEP)) {
            client.send(new Abort("one")).sync();
            client.send(new Abort("two")).sync();
            Thread.sleep(100); // both queued before the reader takes over: it must get them first
            Thread testThread = Thread.currentThread();
            java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.concurrent.CountDownLatch failed = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
            server.deliverOnEventLoop(new EventLoopReader() {
                @Override
                public void message(io.livemig.migrator.protocol.Message message) {
                    seen.add(((Abort) message).reason() + (Thread.currentThread() == testThread ? " on the test thread" : ""));
                }

                @Override
                public void failed(Throwable cause) {
                    failures.incrementAndGet();
                    failed.countDown();
                }
            });
            client.send(new Abort("three")).sync();
            client.close();
            assertThat(failed.await(STEP.toMillis(), TimeUnit.MILLISECONDS)).as("the reader hears of the close").isTrue();
            Thread.sleep(50);
            assertThat(seen).containsExactly("one", "two", "three");
            assertThat(failures.get()).isEqualTo(1);
        }
    }

    @Test
    void aTapTakesWhatItWantsOnTheEventLoopQueuedMessagesFirstAndTheRestArriveInOrder() throws Exception {
        try (Connection client = connect(); Connection server = listener.accept(STEP)) {
            client.send(new Abort("take 1")).sync();
            client.send(new Ready()).sync();
            Thread.sleep(100); // queued before the tap: it is offered them first
            Thread testThread = Thread.currentThread();
            java.util.List<String> taken = new java.util.concurrent.CopyOnWriteArrayList<>();
            server.tapOnEventLoop(message -> {
                if (!(message instanceof Abort abort) || !abort.reason().startsWith("take")) return false;
                taken.add(abort.reason() + (Thread.currentThread() == testThread ? " on the test thread" : ""));
                return true;
            });
            client.send(new Abort("take 2")).sync();
            client.send(new Abort("keep")).sync();
            assertThat(server.receive(STEP)).isEqualTo(new Ready());
            assertThat(server.receive(STEP)).as("a message sent after a taken one comes after it was taken").isEqualTo(new Abort("keep"));
            assertThat(taken).containsExactly("take 1", "take 2");

            server.untap();
            client.send(new Abort("take 3")).sync();
            assertThat(server.receive(STEP)).as("untapped: everything queues again").isEqualTo(new Abort("take 3"));
            assertThat(taken).hasSize(2);
        }
    }

    @Test
    void aTapThatFailsFailsTheConnectionAndTheReceiverHearsWhy() throws Exception {
        try (Connection client = connect(); Connection server = listener.accept(STEP)) {
            server.tapOnEventLoop(message -> {
                throw new ProtocolException("no such page");
            });
            client.send(new Ready()).sync();
            assertThatThrownBy(() -> server.receive(STEP)).isInstanceOf(ConnectionException.class).hasMessageContaining("no such page");
            assertThat(client.receive(STEP)).as("the peer is told why").isEqualTo(new Abort("protocol error: no such page"));
        }
    }

    @Test
    void garbageFromThePeerIsAProtocolErrorAndThePeerIsToldWhy() throws Exception {
        try (Socket raw = new Socket(InetAddress.getLoopbackAddress(), listener.localAddress().getPort());
             Connection server = listener.accept(STEP)) {
            OutputStream out = raw.getOutputStream();
            out.write(new byte[] {0, 0, 0, 0, 0, 0, 0, 0});
            out.flush();
            assertThatThrownBy(() -> server.receive(STEP))
                    .isInstanceOf(ConnectionException.class)
                    .hasCauseExactlyInstanceOf(ProtocolException.class)
                    .hasMessageContaining("frame type 0 is reserved");
            raw.setSoTimeout(5000);
            InputStream in = raw.getInputStream();
            assertThat(in.read()).isEqualTo(MessageType.ABORT.code());
            assertThat(in.readAllBytes()).hasSizeGreaterThan(FrameFormat.HEADER_BYTES);  // then EOF: closed
        }
    }

    @Test
    void connectToANonListeningPortFails() throws Exception {
        int freePort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            freePort = probe.getLocalPort();
        }
        assertThatThrownBy(() -> transport.connect(new HostPort("127.0.0.1", freePort), STEP))
                .isInstanceOf(ConnectionException.class)
                .hasMessageStartingWith("cannot connect to 127.0.0.1:" + freePort);
    }

    @Test
    void aSenderFacingAPeerThatDoesNotReadIsHeldBackThenFails() throws Exception {
        ConnectionOptions impatient = new ConnectionOptions(FrameFormat.DEFAULT_MAX_PAYLOAD_BYTES, Duration.ofMillis(300));
        HeapPages memory = HeapPages.random(4096, 256, 1000, 9);
        PageBatchEncoder encoder = new PageBatchEncoder(4096);
        try (ServerSocket deaf = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Transport sender = Transport.create(impatient);
             Connection client = sender.connect(new HostPort("127.0.0.1", deaf.getLocalPort()), STEP);
             Socket accepted = deaf.accept()) {
            assertThatThrownBy(() -> {
                for (int batch = 0; batch < 1000; batch++) {
                    encoder.beginBatch(client.alloc());
                    for (int page = 0; !encoder.isFull(); page++) {
                        encoder.addPage(memory, page % 256);
                    }
                    client.sendPages(encoder.finishBatch());
                }
            }).isInstanceOf(ConnectionException.class).hasMessageContaining("the peer is not reading");
            assertThat(accepted.isConnected()).isTrue();
        }
    }

    private Connection connect() throws Exception {
        return transport.connect(new HostPort("127.0.0.1", listener.localAddress().getPort()), STEP);
    }
}
