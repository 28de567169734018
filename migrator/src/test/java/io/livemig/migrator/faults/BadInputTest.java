package io.livemig.migrator.faults;

import io.livemig.migrator.migration.DestinationOptions;
import io.livemig.migrator.migration.Handshake;
import io.livemig.migrator.migration.MigrationException;
import io.livemig.migrator.protocol.Accept;
import io.livemig.migrator.protocol.AuthProof;
import io.livemig.migrator.protocol.GuestOffer;
import io.livemig.migrator.protocol.Hello;
import io.livemig.migrator.protocol.HelloAck;
import io.livemig.migrator.protocol.LinkProbe;
import io.livemig.migrator.protocol.LinkProbeReply;
import io.livemig.migrator.protocol.Message;
import io.livemig.migrator.protocol.OfferMode;
import io.livemig.migrator.protocol.PageBatchEncoder;
import io.livemig.migrator.protocol.PostcopyPrepare;
import io.livemig.migrator.protocol.ProtocolVersion;
import io.livemig.migrator.protocol.Refuse;
import io.livemig.migrator.protocol.RoundEnd;
import io.livemig.migrator.security.Destinations;
import io.livemig.migrator.transport.Connection;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.Transport;
import io.livemig.workloads.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A real {@code MigrationDestination} on loopback facing bad peers: each is refused with one clear
 * line (the destination's MigrationException message) and nothing else happens.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BadInputTest {
    private static final long MIB = 1 << 20;
    private static final Duration STEP = Duration.ofSeconds(10);
    private static final DestinationOptions SMALL = new DestinationOptions(64 * MIB, Duration.ofSeconds(5), Workloads::parse,
            Duration.ofSeconds(1));

    @Test
    void garbageBytesAreAProtocolError() throws Exception {
        try (Destinations dest = new Destinations(new Handshake(), SMALL)) {
            byte[] reply = raw(dest, "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
            assertThat(new String(reply, java.nio.charset.StandardCharsets.ISO_8859_1)).contains("protocol error");
            assertRefused(dest, "protocol error during the handshake: unknown frame type 71");
        }
    }

    @Test
    void anOversizeLengthIsRefusedFromTheHeader() throws Exception {
        ByteBuffer header = ByteBuffer.allocate(8).put((byte) 1).put((byte) 0).putShort((short) 0).putInt(0x7FFF_FFF0);
        try (Destinations dest = new Destinations(new Handshake(), SMALL)) {
            raw(dest, header.array()); // no payload follows: refused on the 8 header bytes alone
            assertRefused(dest, "protocol error during the handshake: frame payload of 2147483632 bytes exceeds the maximum");
        }
    }

    @Test
    void aWrongProtocolVersionIsRefused() throws Exception {
        try (Destinations dest = new Destinations(new Handshake(), SMALL);
             Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
             Connection c = transport.connect(dest.address(), STEP)) {
            c.send(new Hello(42, new byte[32]));
            assertThat(c.receive(STEP)).isInstanceOf(Refuse.class);
            assertRefused(dest, "protocol version 42 is not supported");
        }
    }

    @Test
    void aGuestLargerThanMaxMemoryIsRefused() throws Exception {
        assertThat(offer(new GuestOffer(128 * MIB, 4096, 1, "idle", OfferMode.PRECOPY))).isInstanceOf(Refuse.class);
    }

    @Test
    void anUnknownWorkloadIsRefused() throws Exception {
        Message answer = offer(new GuestOffer(32 * MIB, 4096, 1, "bitcoin:rate=all", OfferMode.PRECOPY));
        assertThat(answer).isInstanceOf(Refuse.class);
        assertThat(((Refuse) answer).reason()).contains("cannot host the guest");
    }

    @Test
    void aPageIndexPastTheEndIsAProtocolError() throws Exception {
        afterHandshake((dest, c) -> {
            c.send(new GuestOffer(32 * MIB, 4096, 1, "idle", OfferMode.PRECOPY));
            assertThat(c.receive(STEP)).isInstanceOf(Accept.class);
            PageBatchEncoder encoder = new PageBatchEncoder(4096, 64 * 1024);
            encoder.beginBatch(c.alloc());
            encoder.addPage(new FilledPages(4096), 32 * MIB / 4096); // one past the last page
            c.sendPages(encoder.finishBatch());
            assertThat(c.receive(STEP).type().name()).isEqualTo("ABORT");
            assertRefused(dest, "page");
        });
    }

    @Test
    void anythingButFillerDuringALinkProbeIsAProtocolError() throws Exception {
        afterHandshake((dest, c) -> {
            c.send(new LinkProbe(1, true, 4096));
            assertThat(c.receive(STEP)).isInstanceOf(LinkProbeReply.class);
            c.send(new RoundEnd(0, 0)); // read on the destination's event loop, where the probe's filler goes
            assertThat(c.receive(STEP).type().name()).isEqualTo("ABORT");
            assertRefused(dest, "expected LINK_PROBE during a link probe, got ROUND_END");
        });
    }

    @Test
    void aPostcopyPrepareAfterAPrecopyOfferIsAProtocolError() throws Exception {
        afterHandshake((dest, c) -> {
            c.send(new GuestOffer(32 * MIB, 4096, 1, "idle", OfferMode.PRECOPY));
            assertThat(c.receive(STEP)).isInstanceOf(Accept.class);
            c.send(new PostcopyPrepare(false)); // the offer said no post-copy would follow
            assertThat(c.receive(STEP).type().name()).isEqualTo("ABORT");
            assertRefused(dest, "POSTCOPY_PREPARE after a precopy offer");
        });
    }

    private static Message offer(GuestOffer offer) throws Exception {
        Message[] answer = new Message[1];
        afterHandshake((dest, c) -> {
            c.send(offer);
            answer[0] = c.receive(STEP);
            assertRefused(dest, "refused");
        });
        return answer[0];
    }

    /** What a test says to a fresh destination, and checks, on a connection past the handshake. */
    private interface Exchange {
        void run(Destinations dest, Connection c) throws Exception;
    }

    private static void afterHandshake(Exchange exchange) throws Exception {
        try (Destinations dest = new Destinations(new Handshake(), SMALL);
             Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
             Connection c = transport.connect(dest.address(), STEP)) {
            handshake(c);
            exchange.run(dest, c);
        }
    }

    private static void handshake(Connection c) throws Exception {
        c.send(new Hello(ProtocolVersion.CURRENT, new byte[32]));
        assertThat(c.receive(STEP)).isInstanceOf(HelloAck.class);
        c.send(new AuthProof(new byte[0]));
    }

    /** Writes bytes on a plain socket and returns whatever the destination answers before closing. */
    private static byte[] raw(Destinations dest, byte[] bytes) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", dest.address().port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(bytes);
            out.flush();
            InputStream in = socket.getInputStream();
            return in.readAllBytes();
        }
    }

    private static void assertRefused(Destinations dest, String text) {
        assertThatThrownBy(dest::await).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(MigrationException.class).hasMessageContaining(text);
    }
}
