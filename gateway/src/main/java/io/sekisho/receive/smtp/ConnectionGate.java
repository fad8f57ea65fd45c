package io.sekisho.receive.smtp;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.sekisho.config.Cidr;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

/**
 * Decides at connect whether a client may talk to us at all: only smtp.allowedClients (554 5.7.1
 * otherwise, and close: Sekisho relays for the company's own mail servers only, so a refusal at
 * connect is the whole relay check, before any command), and only within the connection limits
 * (421 4.7.0). A refused connection never reaches the session.
 */
final class ConnectionGate extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ConnectionGate.class);

    private final List<Cidr> allowedClients;
    private final ConnectionLimits limits;
    private InetAddress admitted;

    ConnectionGate(List<Cidr> allowedClients, ConnectionLimits limits) {
        this.allowedClients = allowedClients;
        this.limits = limits;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        String id = ctx.channel().id().asShortText();
        InetAddress client = clientAddress(ctx.channel().remoteAddress());
        if (client == null || allowedClients.stream().noneMatch(c -> c.contains(client))) {
            log.warn("[{}] relay denied for {}: not in smtp.allowedClients", id, ctx.channel().remoteAddress());
            refuse(ctx, SmtpReplies.RELAY_DENIED);
            return;
        }
        switch (limits.admit(client)) {
            case TOO_MANY -> {
                log.warn("[{}] refused {}: smtp.maxConnections reached", id, client.getHostAddress());
                refuse(ctx, SmtpReplies.TOO_MANY_CONNECTIONS);
            }
            case TOO_MANY_FROM_CLIENT -> {
                log.warn("[{}] refused {}: smtp.maxConnectionsPerClient reached", id, client.getHostAddress());
                refuse(ctx, SmtpReplies.TOO_MANY_CONNECTIONS_FROM_CLIENT);
            }
            default -> {
                admitted = client;
                log.info("[{}] connection from {}", id, ctx.channel().remoteAddress());
                ctx.fireChannelActive();
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (admitted != null) {
            limits.release(admitted);
            admitted = null;
            ctx.fireChannelInactive();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (admitted == null) {
            io.netty.util.ReferenceCountUtil.release(msg);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private static void refuse(ChannelHandlerContext ctx, SmtpReply reply) {
        ctx.channel().config().setAutoRead(false);
        ctx.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
    }

    private static InetAddress clientAddress(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }
}
