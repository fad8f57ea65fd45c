package io.sekisho.receive.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

import java.nio.charset.StandardCharsets;

/** Writes {@link SmtpReply} objects as SMTP reply lines. */
@ChannelHandler.Sharable
final class SmtpReplyEncoder extends MessageToByteEncoder<SmtpReply> {
    @Override
    protected void encode(ChannelHandlerContext ctx, SmtpReply reply, ByteBuf out) {
        out.writeCharSequence(reply.render(), StandardCharsets.UTF_8);
    }
}
