package io.livemig.migrator.cli;

import io.livemig.migrator.security.TlsFiles;
import io.livemig.migrator.transport.ConnectionOptions;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --tls-cert --tls-key --tls-ca}: mutual TLS on the migration link, shared by source and dest. */
final class TlsOptions {
    @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate (chain) of this side; with --tls-key and --tls-ca: mutual TLS.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key of --tls-cert (unencrypted PKCS#8, 'BEGIN PRIVATE KEY').")
    Path tlsKey;

    @Option(names = "--tls-ca", paramLabel = "FILE", description = "PEM CA certificate(s): the peer's certificate must be signed by it.")
    Path tlsCa;

    /** The connection options, with TLS when all three files are given (bad files: one line, exit 2). */
    ConnectionOptions connectionOptions() {
        return TlsFiles.options(ConnectionOptions.DEFAULTS, tlsCert, tlsKey, tlsCa);
    }
}
