package io.livemig.migrator.security;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * The shared secret of {@code --auth-token-file}: both ends prove they hold it with
 * HMAC-SHA256 over both handshake nonces; the token itself never crosses the wire.
 *
 * <p>A proof is {@code HMAC-SHA256(token, role | sourceNonce | destinationNonce)} where
 * {@code role} is the ASCII label {@code "dest"} or {@code "source"}: the label keeps a proof
 * from being reflected back as the other side's, and the two fresh nonces keep a recorded one
 * from being replayed.
 */
public final class AuthToken {
    /** Bytes of one proof (HMAC-SHA256). */
    public static final int PROOF_BYTES = 32;
    private static final String ALGORITHM = "HmacSHA256";
    private static final Set<PosixFilePermission> SHARED = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

    /** Which side a proof speaks for. */
    public enum Role {
        SOURCE("source"), DESTINATION("dest");

        private final byte[] label;

        Role(String label) {
            this.label = label.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    private final byte[] key;

    private AuthToken(byte[] key) {
        this.key = key;
    }

    /** A token from bytes already in hand (tests); refused when empty. */
    public static AuthToken of(byte[] token) {
        if (token == null || token.length == 0) throw new IllegalArgumentException("the auth token is empty");
        return new AuthToken(token.clone());
    }

    /**
     * Reads a token file: its bytes, without trailing line breaks or blanks.
     *
     * @throws IllegalArgumentException with a one-line reason when the file is missing, unreadable,
     *                                  empty, or readable or writable by group or others
     */
    public static AuthToken load(Path file) {
        try {
            PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
            if (posix != null) {
                Set<PosixFilePermission> permissions = EnumSet.copyOf(posix.readAttributes().permissions());
                permissions.retainAll(SHARED);
                if (!permissions.isEmpty()) {
                    throw new IllegalArgumentException("auth token file " + file + " is accessible by group or others ("
                            + java.nio.file.attribute.PosixFilePermissions.toString(posix.readAttributes().permissions())
                            + "); make it private, e.g. chmod 600 " + file);
                }
            }
            if (!Files.isRegularFile(file)) throw new IllegalArgumentException("auth token file " + file + " is not a regular file");
            byte[] bytes = Files.readAllBytes(file);
            int end = bytes.length;
            while (end > 0 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r' || bytes[end - 1] == ' ' || bytes[end - 1] == '\t')) end--;
            if (end == 0) throw new IllegalArgumentException("auth token file " + file + " is empty");
            byte[] token = Arrays.copyOf(bytes, end);
            Arrays.fill(bytes, (byte) 0);
            return new AuthToken(token);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("auth token file " + file + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read auth token file " + file + ": " + e.getMessage());
        }
    }

    /** The proof that {@code role} holds this token, bound to both nonces of this handshake. */
    public byte[] proof(Role role, byte[] sourceNonce, byte[] destinationNonce) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            mac.update(role.label);
            mac.update(sourceNonce);
            mac.update(destinationNonce);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JDK", e);
        }
    }

    /** Checks a peer's proof in constant time (no early exit on the first differing byte). */
    public boolean verify(Role role, byte[] sourceNonce, byte[] destinationNonce, byte[] proof) {
        return MessageDigest.isEqual(proof(role, sourceNonce, destinationNonce), proof);
    }

    /**
     * The bearer credential of a host agent's control API: {@code HMAC-SHA256(token,
     * "livemig-control")} in hex, so the token itself never crosses the wire there either. It is
     * the same at every request (HTTP has no challenge): use TLS for a control port off loopback.
     */
    public String controlBearer() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return java.util.HexFormat.of().formatHex(mac.doFinal("livemig-control".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JDK", e);
        }
    }

    @Override
    public String toString() {
        return "AuthToken[" + key.length + " bytes]";
    }
}
