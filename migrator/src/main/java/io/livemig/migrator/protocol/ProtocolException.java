package io.livemig.migrator.protocol;

import io.netty.handler.codec.DecoderException;

/**
 * The peer sent bytes that are not a valid frame or message: bad CRC, unknown type, bad length,
 * out-of-range field. The connection cannot be trusted afterwards and is closed.
 *
 * <p>It extends Netty's {@link DecoderException} so that the decoders pass it along unwrapped:
 * whatever goes wrong while decoding, the pipeline sees exactly this type.
 */
public final class ProtocolException extends DecoderException {

    public ProtocolException(String message) {
        super(message);
    }

    public ProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
