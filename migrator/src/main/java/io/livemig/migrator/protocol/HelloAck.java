package io.livemig.migrator.protocol;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * Destination to source: the version both will speak, the destination's own challenge nonce and
 * its proof over the source's nonce (empty when no authentication is configured).
 */
public record HelloAck(int protocolVersion, byte[] nonce, byte[] proof) implements Message {

    public HelloAck {
        nonce = Fields.nonce(nonce);
        proof = Fields.proof(proof);
    }

    @Override
    public byte[] nonce() {
        return nonce.clone();
    }

    @Override
    public byte[] proof() {
        return proof.clone();
    }

    @Override
    public MessageType type() {
        return MessageType.HELLO_ACK;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HelloAck other && protocolVersion == other.protocolVersion
                && Arrays.equals(nonce, other.nonce) && Arrays.equals(proof, other.proof);
    }

    @Override
    public int hashCode() {
        return (31 * protocolVersion + Arrays.hashCode(nonce)) * 31 + Arrays.hashCode(proof);
    }

    @Override
    public String toString() {
        HexFormat hex = HexFormat.of();
        return "HelloAck[protocolVersion=" + protocolVersion + ", nonce=" + hex.formatHex(nonce)
                + ", proof=" + hex.formatHex(proof) + "]";
    }
}
