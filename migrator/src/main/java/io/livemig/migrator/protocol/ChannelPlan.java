package io.livemig.migrator.protocol;

/**
 * Source to destination on the control connection, right after {@code Accept}: the pages will
 * travel on {@code channels} data connections, each of which attaches with a {@link ChannelAttach}.
 * Round ends go on every data connection (after that channel's last batch of the round) and then
 * on the control connection, which is answered once every channel has delivered the round.
 */
public record ChannelPlan(int channels) implements Message {
    public static final int MAX_CHANNELS = 64;

    public ChannelPlan {
        ProtocolLimits.checkRange("channels", channels, 1, MAX_CHANNELS);
    }

    @Override
    public MessageType type() {
        return MessageType.CHANNEL_PLAN;
    }
}
