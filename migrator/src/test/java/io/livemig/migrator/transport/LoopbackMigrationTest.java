package io.livemig.migrator.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.livemig.migrator.protocol.Accept;
import io.livemig.migrator.protocol.AuthProof;
import io.livemig.migrator.protocol.Commit;
import io.livemig.migrator.protocol.GuestOffer;
import io.livemig.migrator.protocol.HeapPages;
import io.livemig.migrator.protocol.Hello;
import io.livemig.migrator.protocol.HelloAck;
import io.livemig.migrator.protocol.Message;
import io.livemig.migrator.protocol.OfferMode;
import io.livemig.migrator.protocol.PageBatch;
import io.livemig.migrator.protocol.PageBatchEncoder;
import io.livemig.migrator.protocol.ProtocolLimits;
import io.livemig.migrator.protocol.ProtocolVersion;
import io.livemig.migrator.protocol.Ready;
import io.livemig.migrator.protocol.Resumed;
import io.livemig.migrator.protocol.RoundEnd;
import io.livemig.migrator.protocol.StopAndCopyDone;
import io.livemig.migrator.protocol.VcpuState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A whole migration's worth of messages between a real server and client on 127.0.0.1. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoopbackMigrationTest {

    private static final Duration STEP = Duration.ofSeconds(10);
    private static final int PAGE_BYTES = 4096;
    private static final int PAGES = 3000;
    private static final int VCPUS = 2;

    @ParameterizedTest(name = "epoll={0}")
    @ValueSource(booleans = {true, false})
    void migratesPagesAndStateOverTcp(boolean epoll) throws Exception {
        HeapPages source = HeapPages.random(PAGE_BYTES, PAGES, 5, 42);
        HeapPages destination = new HeapPages(PAGE_BYTES, PAGES);
        destination.fill((byte) 0x7F);
        try (Transport transport = epoll ? Transport.create(ConnectionOptions.DEFAULTS)
                : Transport.createNio(ConnectionOptions.DEFAULTS);
             Listener listener = transport.listen(new HostPort("127.0.0.1", 0))) {
            CompletableFuture<List<Message>> received = CompletableFuture.supplyAsync(() -> runDestination(listener, destination));
            try (Connection connection = transport.connect(
                    new HostPort("127.0.0.1", listener.localAddress().getPort()), STEP)) {
                runSource(connection, source);
            }
            List<Message> log = received.get(30, TimeUnit.SECONDS);
            assertThat(log).hasSize(4 + VCPUS + 2);
            assertThat(log.get(0)).isInstanceOf(Hello.class);
            assertThat(log.get(3)).isEqualTo(new RoundEnd(0, PAGES));
        }
        assertThat(destination.sameContents(source)).isTrue();
        assertThat(destination.zeroes()).isPositive();
        assertThat(destination.loads() + destination.zeroes()).isEqualTo(PAGES);
    }

    private static void runSource(Connection connection, HeapPages memory) throws Exception {
        connection.send(new Hello(ProtocolVersion.CURRENT, new byte[ProtocolLimits.NONCE_BYTES]));
        assertThat(connection.receive(STEP)).isInstanceOf(HelloAck.class);
        connection.send(new AuthProof(new byte[0]));
        connection.send(new GuestOffer((long) PAGES * PAGE_BYTES, PAGE_BYTES, VCPUS, "idle", OfferMode.PRECOPY));
        assertThat(connection.receive(STEP)).isEqualTo(new Accept());

        // Small batches: many frames, and the writability wait gets exercised.
        PageBatchEncoder encoder = new PageBatchEncoder(PAGE_BYTES, 64 * 1024);
        for (long page = 0; page < PAGES; ) {
            encoder.beginBatch(connection.alloc());
            while (page < PAGES && !encoder.isFull()) {
                encoder.addPage(memory, page++);
            }
            connection.sendPages(encoder.finishBatch());
        }
        connection.send(new RoundEnd(0, PAGES));
        for (int vcpu = 0; vcpu < VCPUS; vcpu++) {
            connection.send(new VcpuState(vcpu, new long[VcpuState.REGISTER_COUNT]));
        }
        connection.send(new StopAndCopyDone(7L, System.nanoTime()));
        assertThat(connection.receive(STEP)).isEqualTo(new Ready());
        connection.send(new Commit()).sync();
        assertThat(connection.receive(STEP)).isInstanceOf(Resumed.class);
    }

    /** Records every control message; applies page batches as they come. */
    private static List<Message> runDestination(Listener listener, HeapPages memory) {
        List<Message> log = new ArrayList<>();
        try (Connection connection = listener.accept(STEP)) {
            log.add(connection.receive(STEP));
            connection.send(new HelloAck(ProtocolVersion.CURRENT, new byte[ProtocolLimits.NONCE_BYTES], new byte[0]));
            log.add(connection.receive(STEP));
            log.add(connection.receive(STEP));
            connection.send(new Accept());
            while (true) {
                Message message = connection.receive(STEP);
                if (message instanceof PageBatch batch) {
                    batch.applyTo(memory);
                    continue;
                }
                log.add(message);
                if (message instanceof StopAndCopyDone) {
                    break;
                }
            }
            connection.send(new Ready());
            log.add(connection.receive(STEP));
            connection.send(new Resumed(System.nanoTime(), 0L)).sync();
            return log;
        } catch (Exception e) {
            throw new IllegalStateException("destination failed", e);
        }
    }
}
