package io.livemig.migrator.protocol;

/**
 * Destination to source on the request connection: a vCPU is blocked on page {@code page}. Sent
 * once per page (the emulator asks once however many vCPUs wait); the source answers with a
 * one-page {@link PageBatch} on the same connection unless it already sent that page.
 */
public record PageRequest(long page) implements Message {

    public PageRequest {
        ProtocolLimits.checkRange("page", page, 0, Integer.MAX_VALUE);
    }

    @Override
    public MessageType type() { return MessageType.PAGE_REQUEST; }
}
