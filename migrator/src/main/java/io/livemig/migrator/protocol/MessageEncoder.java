package io.livemig.migrator.protocol;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Encodes outbound {@link Message}s into frames. Ready-made frames (a {@code ByteBuf} from
 * {@link PageBatchEncoder}) are not Messages and pass through untouched.
 */
@ChannelHandler.Sharable
public final class MessageEncoder extends MessageToMessageEncoder<Message> {

    public MessageEncoder() {
        super(Message.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Message message, List<Object> out) {
        out.add(MessageCodec.encode(ctx.alloc(), message));
    }
}
