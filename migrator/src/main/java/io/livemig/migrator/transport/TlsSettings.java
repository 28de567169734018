package io.livemig.migrator.transport;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.buffer.ByteBufAllocator;

import javax.net.ssl.SSLException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * Mutual TLS for both ends of a migration (Netty's {@link SslHandler}, JDK provider, TLS 1.3 or
 * 1.2). One identity (certificate chain and key) and one CA serve both roles: as a server (the
 * destination) it requires a client certificate signed by the CA; as a client (the source) it
 * accepts only a server certificate signed by the CA that names the address it connected to
 * (endpoint identification "HTTPS": a SAN IP or DNS entry).
 */
public final class TlsSettings {
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    private final SslContext server;
    private final SslContext client;

    private TlsSettings(SslContext server, SslContext client) {
        this.server = server;
        this.client = client;
    }

    /**
     * @param chain our certificate first, then any intermediates
     * @param key   the private key of {@code chain[0]}
     * @param ca    the certificates a peer's chain must lead to
     * @throws IllegalArgumentException when the JDK refuses the material (one line)
     */
    public static TlsSettings of(X509Certificate[] chain, PrivateKey key, X509Certificate[] ca) {
        try {
            SslContext server = SslContextBuilder.forServer(key, chain)
                    .trustManager(ca)
                    .clientAuth(ClientAuth.REQUIRE)
                    .sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOLS)
                    .build();
            SslContext client = SslContextBuilder.forClient()
                    .keyManager(key, chain)
                    .trustManager(ca)
                    .sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOLS)
                    .endpointIdentificationAlgorithm("HTTPS")
                    .build();
            return new TlsSettings(server, client);
        } catch (SSLException | RuntimeException e) {
            throw new IllegalArgumentException("cannot set up TLS with these certificates: " + e.getMessage(), e);
        }
    }

    /** For an accepted connection (the destination; a host agent's control port too). */
    public SslHandler serverHandler(ByteBufAllocator alloc) {
        return timed(server.newHandler(alloc));
    }

    /** For a connection to {@code peer} (the source; the control client too): the peer's certificate must name that host. */
    public SslHandler clientHandler(ByteBufAllocator alloc, HostPort peer) {
        return timed(client.newHandler(alloc, peer.host(), peer.port()));
    }

    private static SslHandler timed(SslHandler handler) {
        handler.setHandshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MILLIS);
        return handler;
    }
}
