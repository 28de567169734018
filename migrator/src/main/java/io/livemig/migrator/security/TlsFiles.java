package io.livemig.migrator.security;

import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.TlsSettings;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PEM files of {@code --tls-cert}, {@code --tls-key} and {@code --tls-ca}: our certificate
 * (chain), its private key (unencrypted PKCS#8, "BEGIN PRIVATE KEY") and the CA certificate(s) a
 * peer must be signed by. Every problem is an {@link IllegalArgumentException} with a one-line
 * message naming the file (the CLI turns it into exit status 2).
 */
public final class TlsFiles {
    private static final Pattern PKCS8 = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS");

    private TlsFiles() {}

    /**
     * The connection options for the given files: all three, or none (then {@code base}, plain TCP).
     *
     * @throws IllegalArgumentException when only some are given, or a file is missing or invalid
     */
    public static ConnectionOptions options(ConnectionOptions base, Path cert, Path key, Path ca) {
        TlsSettings tls = load(cert, key, ca);
        return tls == null ? base : base.withTls(tls);
    }

    /** Null when none of the three is given. */
    public static TlsSettings load(Path cert, Path key, Path ca) {
        int given = (cert != null ? 1 : 0) + (key != null ? 1 : 0) + (ca != null ? 1 : 0);
        if (given == 0) return null;
        if (given != 3) {
            throw new IllegalArgumentException("--tls-cert, --tls-key and --tls-ca go together: give all three or none (missing: "
                    + String.join(", ", missing(cert, key, ca)) + ")");
        }
        X509Certificate[] chain = certificates(cert, "--tls-cert");
        PrivateKey privateKey = privateKey(key);
        X509Certificate[] authorities = certificates(ca, "--tls-ca");
        if (!chain[0].getPublicKey().getAlgorithm().equals(privateKey.getAlgorithm())
                && !(chain[0].getPublicKey().getAlgorithm().equals("EC") && privateKey.getAlgorithm().equals("ECDSA"))) {
            throw new IllegalArgumentException("--tls-key " + key + " is a " + privateKey.getAlgorithm()
                    + " key but the certificate in --tls-cert " + cert + " holds a " + chain[0].getPublicKey().getAlgorithm() + " key");
        }
        return TlsSettings.of(chain, privateKey, authorities);
    }

    private static List<String> missing(Path cert, Path key, Path ca) {
        java.util.ArrayList<String> names = new java.util.ArrayList<>();
        if (cert == null) names.add("--tls-cert");
        if (key == null) names.add("--tls-key");
        if (ca == null) names.add("--tls-ca");
        return names;
    }

    static X509Certificate[] certificates(Path file, String option) {
        byte[] bytes = read(file, option);
        try {
            X509Certificate[] certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(bytes)).stream()
                    .map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
            if (certs.length == 0) throw new IllegalArgumentException(option + " " + file + " holds no PEM certificate");
            return certs;
        } catch (GeneralSecurityException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae && iae.getMessage() != null && iae.getMessage().startsWith(option)) throw iae;
            throw new IllegalArgumentException(option + " " + file + " is not a PEM certificate file: " + oneLine(e), e);
        }
    }

    static PrivateKey privateKey(Path file) {
        String text = new String(read(file, "--tls-key"), StandardCharsets.US_ASCII);
        Matcher m = PKCS8.matcher(text);
        if (!m.find()) {
            String hint = text.contains("ENCRYPTED PRIVATE KEY") ? "it is encrypted"
                    : text.contains("BEGIN RSA PRIVATE KEY") || text.contains("BEGIN EC PRIVATE KEY") ? "it is in the old PKCS#1/SEC1 form"
                    : "no 'BEGIN PRIVATE KEY' block";
            throw new IllegalArgumentException("--tls-key " + file + " is not an unencrypted PKCS#8 PEM key (" + hint
                    + "); convert with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(m.group(1).replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--tls-key " + file + " has invalid base64: " + oneLine(e), e);
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException | RuntimeException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException("--tls-key " + file + " is not a readable RSA, EC or EdDSA private key");
    }

    private static byte[] read(Path file, String option) {
        try {
            if (Files.isDirectory(file)) throw new IllegalArgumentException(option + " " + file + " is a directory");
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(option + " " + file + " does not exist", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(option + " " + file + " cannot be read: " + oneLine(e), e);
        }
    }

    private static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replace('\n', ' ').replace('\r', ' ');
    }
}
