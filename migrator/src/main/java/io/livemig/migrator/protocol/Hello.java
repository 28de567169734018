package io.livemig.migrator.protocol;

import java.util.Arrays;
import java.util.HexFormat;

/** Source to destination, first frame: the version the source speaks and its challenge nonce. */
public record Hello(int protocolVersion, byte[] nonce) implements Message {

    public Hello {
        nonce = Fields.nonce(nonce);
    }

    @Override
    public byte[] nonce() {
        return nonce.clone();
    }

    @Override
    public MessageType type() {
        return MessageType.HELLO;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Hello other && protocolVersion == other.protocolVersion
                && Arrays.equals(nonce, other.nonce);
    }

    @Override
    public int hashCode() {
        return 31 * protocolVersion + Arrays.hashCode(nonce);
    }

    @Override
    public String toString() {
        return "Hello[protocolVersion=" + protocolVersion + ", nonce=" + HexFormat.of().formatHex(nonce) + "]";
    }
}
