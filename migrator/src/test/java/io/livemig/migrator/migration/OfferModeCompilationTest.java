package io.livemig.migrator.migration;

import io.livemig.migrator.process.ChildJvm;
import io.livemig.migrator.protocol.Accept;
import io.livemig.migrator.protocol.GuestOffer;
import io.livemig.migrator.protocol.Message;
import io.livemig.migrator.protocol.OfferMode;
import io.livemig.migrator.transport.Connection;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.IoCodeCompilation;
import io.livemig.migrator.transport.Listener;
import io.livemig.migrator.transport.Transport;
import io.livemig.workloads.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A destination asks for C1-compiled I/O code ({@link IoCodeCompilation}) when it accepts a
 * pre-copy offer, and not when post-copy may follow. That request is once per JVM and this test
 * JVM may have made it already, so the offers go to a destination in a JVM of its own, where
 * nothing asked before: {@link InAFreshJvm} offers a post-copy, a hybrid, then a pre-copy guest
 * and prints, after each Accept, whether the request was made.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class OfferModeCompilationTest {
    private static final Duration STEP = Duration.ofSeconds(10);

    @Test
    void onlyAPrecopyOfferAsksForTheIoCodeDirectives() throws Exception {
        try (ChildJvm child = ChildJvm.start("offers", InAFreshJvm.class.getName(), List.of(), null, null)) {
            assertThat(child.awaitExit(Duration.ofSeconds(60))).as(child.output()).isEqualTo(0);
            assertThat(child.output().lines().filter(line -> line.startsWith("after a "))).containsExactly(
                    "after a postcopy offer: requested false",
                    "after a hybrid offer: requested false",
                    "after a precopy offer: requested true");
        }
    }

    /** The child's side: a real destination on loopback, offered one guest of each mode in turn. */
    static final class InAFreshJvm {
        public static void main(String[] args) throws Exception {
            if (IoCodeCompilation.requested()) throw new IllegalStateException("requested before any offer");
            DestinationOptions options = new DestinationOptions(64L << 20, Duration.ofSeconds(5), Workloads::parse,
                    Duration.ofSeconds(1));
            try (Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
                 Listener listener = transport.listen(new HostPort("127.0.0.1", 0))) {
                MigrationDestination destination = new MigrationDestination(options, new Handshake());
                HostPort to = new HostPort("127.0.0.1", listener.localAddress().getPort());
                for (OfferMode mode : List.of(OfferMode.POSTCOPY, OfferMode.HYBRID, OfferMode.PRECOPY)) {
                    offerAndLeave(transport, listener, destination, to, mode);
                    System.out.println("after a " + mode.name().toLowerCase(java.util.Locale.ROOT) + " offer: requested "
                            + IoCodeCompilation.requested());
                }
            }
            System.exit(0); // the directives' installer may still be loading JMX on its own thread
        }

        /** A handshake and an offer, answered Accept (any request is made before it); then the source goes away. */
        private static void offerAndLeave(Transport transport, Listener listener, MigrationDestination destination, HostPort to,
                                          OfferMode mode) throws Exception {
            CompletableFuture<Object> outcome = CompletableFuture.supplyAsync(() -> {
                try (Connection c = listener.accept(STEP)) {
                    return destination.receive(c, "offer-" + mode);
                } catch (Throwable e) {
                    return e;
                }
            });
            try (Connection source = transport.connect(to, STEP)) {
                new Handshake().sourceSide(source, STEP);
                source.send(new GuestOffer(2L << 20, 4096, 1, "idle", mode));
                Message answer = source.receive(STEP);
                if (!(answer instanceof Accept)) throw new IllegalStateException(mode + " offer answered " + answer);
            }
            // The source left before any page: the destination discards the guest.
            Object ending = outcome.get(30, TimeUnit.SECONDS);
            if (!(ending instanceof MigrationException)) throw new IllegalStateException(mode + " offer ended in " + ending);
        }
    }
}
