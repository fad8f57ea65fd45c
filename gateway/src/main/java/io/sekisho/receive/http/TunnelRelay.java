package io.sekisho.receive.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One direction of a pass-through tunnel: bytes read here are written to the other side, and the
 * next read happens only once that write succeeded (backpressure, AUTO_READ off). Counts bytes.
 */
final class TunnelRelay extends ChannelInboundHandlerAdapter {
    private volatile Channel peer;
    private final AtomicLong bytes = new AtomicLong();
    private final Runnable onClose;

    TunnelRelay(Runnable onClose) {
        this.onClose = onClose;
    }

    void peer(Channel peer) {
        this.peer = peer;
    }

    long bytes() {
        return bytes.get();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            ctx.read();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        bytes.addAndGet(buf.readableBytes());
        peer.writeAndFlush(buf).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                ctx.read();
            } else {
                f.channel().close();
                ctx.close();
            }
        });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Channel p = peer;
        if (p != null && p.isActive()) {
            p.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
        onClose.run();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
