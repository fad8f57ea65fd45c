package io.sekisho.receive.smtp;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.sekisho.config.SmtpConfig;

/**
 * Assembles one connection's pipeline, and nothing else. Positions, from the network inwards:
 *
 * <pre>
 *   [tls]        SslHandler, added in front by STARTTLS
 *   replies      SmtpReply -> bytes
 *   gate         allowedClients and connection limits, at connect
 *   timeouts     command and data timeouts
 *   input        bytes -> command lines / message data, strict CRLF framing
 *   session      the conversation; hands messages to MessageDelivery
 * </pre>
 */
public final class SmtpServerInitializer extends ChannelInitializer<SocketChannel> {
    public static final String TLS = "tls";
    public static final String REPLIES = "replies";
    public static final String GATE = "gate";
    public static final String TIMEOUTS = "timeouts";
    public static final String INPUT = "input";
    public static final String SESSION = "session";

    private static final SmtpReplyEncoder ENCODER = new SmtpReplyEncoder();

    private final SmtpConfig config;
    private final SslContext tlsContext;
    private final ConnectionLimits limits;
    private final MessageDelivery delivery;
    private final ChannelGroup sessions;

    SmtpServerInitializer(SmtpConfig config, SslContext tlsContext, ConnectionLimits limits, MessageDelivery delivery,
                          ChannelGroup sessions) {
        this.config = config;
        this.tlsContext = tlsContext;
        this.limits = limits;
        this.delivery = delivery;
        this.sessions = sessions;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        sessions.add(ch);
        assemble(ch.pipeline());
    }

    void assemble(ChannelPipeline p) {
        p.addLast(REPLIES, ENCODER);
        p.addLast(GATE, new ConnectionGate(config.allowedClients(), limits));
        p.addLast(TIMEOUTS, new SmtpTimeouts(config.commandTimeout(), config.dataTimeout()));
        p.addLast(INPUT, new SmtpInput(config.maxLineLength(), config.maxMessageBytes()));
        p.addLast(SESSION, new SmtpSession(config, tlsContext, delivery));
    }
}
