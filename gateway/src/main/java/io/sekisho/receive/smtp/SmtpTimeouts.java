package io.sekisho.receive.smtp;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The client's time limits: {@code smtp.commandTimeout} while a command is awaited,
 * {@code smtp.dataTimeout} between reads of message content, none while Sekisho itself works on
 * a message. Any bytes read restart the clock. On expiry: 421 4.4.2 and close.
 */
final class SmtpTimeouts extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(SmtpTimeouts.class);

    private final Duration commandTimeout;
    private final Duration dataTimeout;
    private ChannelHandlerContext ctx;
    private Duration current;
    private ScheduledFuture<?> pending;

    SmtpTimeouts(Duration commandTimeout, Duration dataTimeout) {
        this.commandTimeout = commandTimeout;
        this.dataTimeout = dataTimeout;
        this.current = commandTimeout;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        restart();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        restart();
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    void expectCommand() {
        current = commandTimeout;
        restart();
    }

    void expectData() {
        current = dataTimeout;
        restart();
    }

    /** Sekisho is working on a message: the client is waiting for us, not we for it. */
    void pause() {
        current = null;
        cancel();
    }

    private void restart() {
        cancel();
        if (current != null && ctx.channel().isActive()) {
            pending = ctx.executor().schedule(this::expire, current.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void cancel() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }

    private void expire() {
        if (current == null || !ctx.channel().isActive()) {
            return;
        }
        log.info("[{}] client idle for {}, closing", ctx.channel().id().asShortText(), current);
        ctx.channel().writeAndFlush(SmtpReplies.TIMEOUT).addListener(ChannelFutureListener.CLOSE);
    }
}
