package io.sekisho.receive.smtp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.sekisho.config.SmtpConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The SMTP listener: Sekisho as the outbound relay hop after the company's mail server. It holds
 * no queue: a message is answered only after inspection and after the next hop answered.
 *
 * <p>{@link #close} stops cleanly: the listener closes first, idle sessions get 421 4.3.2,
 * sessions with a message in hand finish it (up to smtp.shutdownTimeout) and then get 421.
 */
public final class SmtpServer implements AutoCloseable {
    /** How the names of what the server spools in smtp.spoolDir begin. */
    public static final List<String> SPOOLED = List.of(MessageSpool.PREFIX);

    private static final Logger log = LoggerFactory.getLogger(SmtpServer.class);

    private final SmtpConfig config;
    private final MessageDelivery delivery;
    private final NextHop nextHop;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ChannelGroup sessions;
    private final Channel listener;

    private SmtpServer(SmtpConfig config, MessageDelivery delivery, NextHop nextHop, EventLoopGroup boss,
                       EventLoopGroup workers, ChannelGroup sessions, Channel listener) {
        this.sessions = sessions;
        this.nextHop = nextHop;
        this.config = config;
        this.delivery = delivery;
        this.boss = boss;
        this.workers = workers;
        this.listener = listener;
    }

    /**
     * Starts listening on smtp.listen with the given processor; messages it delivers go to
     * smtp.nextHop. Throws {@link IllegalArgumentException} naming the key for an unusable TLS
     * key or spool folder, {@link IOException} when the address cannot be bound.
     */
    public static SmtpServer start(SmtpConfig config, MessageProcessor processor) throws IOException {
        return start(config, processor, new SmtpRelayClient(config.nextHop(), config.hostname(), config.nextHopTimeout(),
                config.nextHopIdle(), config.inspectionThreads()));
    }

    /** As {@link #start(SmtpConfig, MessageProcessor)}, relaying through {@code nextHop}, which it closes when it stops. */
    public static SmtpServer start(SmtpConfig config, MessageProcessor processor, NextHop nextHop) throws IOException {
        SslContext tls = tlsContext(config);
        try {
            Files.createDirectories(config.spoolDir());
        } catch (IOException e) {
            throw new IllegalArgumentException("smtp.spoolDir: cannot create " + config.spoolDir() + ": " + e.getMessage(), e);
        }
        if (!Files.isWritable(config.spoolDir())) {
            throw new IllegalArgumentException("smtp.spoolDir: cannot write to " + config.spoolDir());
        }
        MessageDelivery delivery = new MessageDelivery(processor, nextHop, config.inspectionThreads(), config.inspectionQueue());
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        ConnectionLimits limits = new ConnectionLimits(config.maxConnections(), config.maxConnectionsPerClient());
        ChannelGroup sessions = new DefaultChannelGroup("smtp-sessions", GlobalEventExecutor.INSTANCE);
        try {
            ServerBootstrap b = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 128)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new SmtpServerInitializer(config, tls, limits, delivery, sessions));
            Channel listener = b.bind(config.listen().host(), config.listen().port()).syncUninterruptibly().channel();
            SmtpServer server = new SmtpServer(config, delivery, nextHop, boss, workers, sessions, listener);
            log.info("SMTP listening on {}, relaying to {}", server.address(), config.nextHop());
            return server;
        } catch (Exception e) {
            boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            delivery.close();
            nextHop.close();
            // bind() reports a taken port or a wrong address by throwing the socket's exception.
            Throwable cause = e instanceof RuntimeException && e.getCause() != null ? e.getCause() : e;
            throw new IOException("smtp.listen: cannot listen on " + config.listen() + ": " + cause.getMessage(), e);
        }
    }

    private static SslContext tlsContext(SmtpConfig config) {
        if (config.tls() == null) {
            return null;
        }
        try {
            return SslContextBuilder.forServer(config.tls().certificate().toFile(), config.tls().key().toFile()).build();
        } catch (Exception e) {
            throw new IllegalArgumentException("smtp.tls.key: cannot use " + config.tls().certificate() + " and "
                    + config.tls().key() + " for STARTTLS: " + e.getMessage(), e);
        }
    }

    /** The address actually bound (the port is known here when smtp.listen asks for port 0). */
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** Messages waiting for an inspection thread now. */
    public int queuedMessages() {
        return delivery.queued();
    }

    @Override
    public void close() {
        log.info("SMTP stopping: {} session(s) open", sessions.size());
        listener.close().syncUninterruptibly();
        for (Channel ch : sessions) {
            ch.pipeline().fireUserEventTriggered(SmtpSession.SHUTDOWN);
        }
        long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
        while (!sessions.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        sessions.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        delivery.close();
        // After the last message: the connections kept for more mail say QUIT.
        nextHop.close();
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        log.info("SMTP stopped");
    }
}
