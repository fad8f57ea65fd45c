package io.sekisho.receive.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.sekisho.config.HttpConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP(S) forward proxy listener (http.listen). Requests with a body are inspected through an
 * {@link UploadProcessor} before any byte of the body reaches the destination; CONNECT tunnels are
 * intercepted with the CA in http.tls.ca or passed through and reported.
 */
public final class HttpProxyServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpProxyServer.class);

    private final InspectionPool pool;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ChannelGroup connections;
    private final Channel listener;

    private HttpProxyServer(InspectionPool pool, EventLoopGroup boss, EventLoopGroup workers, ChannelGroup connections,
                            Channel listener) {
        this.pool = pool;
        this.boss = boss;
        this.workers = workers;
        this.connections = connections;
        this.listener = listener;
    }

    /**
     * Starts listening on http.listen. {@link IllegalArgumentException} names the key of an unusable
     * setting (spool folder, users file, CA, trust store); {@link IOException} when it cannot bind.
     */
    public static HttpProxyServer start(HttpConfig config, UploadProcessor processor) throws IOException {
        return start(config, processor, HostResolver.SYSTEM);
    }

    /** The same, finding destinations' addresses with {@code resolver} (tests name hosts that DNS does not know). */
    public static HttpProxyServer start(HttpConfig config, UploadProcessor processor, HostResolver resolver)
            throws IOException {
        try {
            Files.createDirectories(config.spoolDir());
        } catch (IOException e) {
            throw new IllegalArgumentException("http.spoolDir: cannot create " + config.spoolDir() + ": " + e.getMessage(), e);
        }
        ProxyUsers users = null;
        if (config.users() != null) {
            try {
                users = ProxyUsers.load(config.users());
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException("http.users: " + e.getMessage(), e);
            }
        }
        Interception interception = null;
        if (config.tls().ca() != null) {
            try {
                interception = new Interception(InterceptionCa.load(config.tls().ca()), config.tls().leafValidity(),
                        config.tls().certCacheSize());
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException("http.tls.ca: " + e.getMessage(), e);
            }
        } else {
            log.warn("http.tls.ca is not set: every CONNECT tunnel passes uninspected (and is reported)");
        }
        Upstream upstream;
        try {
            upstream = new Upstream(config.upstreamTimeout(), UpstreamTls.context(config.tls().trustStore()), resolver);
        } catch (Exception e) {
            throw new IllegalArgumentException("http.tls.trustStore: " + e.getMessage(), e);
        }
        InspectionPool pool = new InspectionPool(config.inspectionThreads(), config.inspectionQueue());
        ProxyServices services = new ProxyServices(config, processor, pool, users, upstream, interception);
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        ChannelGroup connections = new DefaultChannelGroup("http-connections", GlobalEventExecutor.INSTANCE);
        try {
            Channel listener = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 256)
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new HttpProxyInitializer(services, connections))
                    .bind(config.listen().host(), config.listen().port()).syncUninterruptibly().channel();
            HttpProxyServer server = new HttpProxyServer(pool, boss, workers, connections, listener);
            log.info("HTTP proxy listening on {}", server.address());
            return server;
        } catch (Exception e) {
            boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            pool.close();
            throw new IOException("http.listen: cannot listen on " + config.listen() + ": " + e.getMessage(), e);
        }
    }

    /** The address actually bound. */
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** HTTP requests waiting for an inspection thread now. */
    public int queuedRequests() {
        return pool.queued();
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        pool.close();
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        log.info("HTTP proxy stopped");
    }
}
