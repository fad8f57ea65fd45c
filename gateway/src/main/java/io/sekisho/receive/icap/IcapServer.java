package io.sekisho.receive.icap;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.sekisho.config.HttpConfig;
import io.sekisho.config.IcapConfig;
import io.sekisho.receive.http.InspectionPool;
import io.sekisho.receive.http.UploadProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

/**
 * The ICAP REQMOD service (icap.listen) for a proxy in front, such as Squid. Pipeline positions:
 * {@value #GATE} (icap.maxConnections), {@value #IDLE} (http.idleTimeout), {@value #DECODER}
 * ({@link IcapDecoder}), {@value #SESSION} ({@link IcapSession}). Shares http.maxBodyBytes,
 * http.spoolDir and the inspection pool limits with the proxy.
 */
public final class IcapServer implements AutoCloseable {
    static final String GATE = "gate";
    static final String IDLE = "idle";
    static final String DECODER = "decoder";
    static final String SESSION = "session";
    private static final Logger log = LoggerFactory.getLogger(IcapServer.class);

    private final InspectionPool pool;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ChannelGroup connections;
    private final Channel listener;

    private IcapServer(InspectionPool pool, EventLoopGroup boss, EventLoopGroup workers, ChannelGroup connections,
                       Channel listener) {
        this.pool = pool;
        this.boss = boss;
        this.workers = workers;
        this.connections = connections;
        this.listener = listener;
    }

    public static IcapServer start(IcapConfig icap, HttpConfig limits, UploadProcessor processor) throws IOException {
        try {
            Files.createDirectories(limits.spoolDir());
        } catch (IOException e) {
            throw new IllegalArgumentException("http.spoolDir: cannot create " + limits.spoolDir() + ": " + e.getMessage(), e);
        }
        InspectionPool pool = new InspectionPool(limits.inspectionThreads(), limits.inspectionQueue());
        IcapConnectionGate gate = new IcapConnectionGate(icap.maxConnections());
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        ChannelGroup connections = new DefaultChannelGroup("icap-connections", GlobalEventExecutor.INSTANCE);
        try {
            Channel listener = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 256)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            connections.add(ch);
                            ch.pipeline().addLast(GATE, gate);
                            ch.pipeline().addLast(IDLE, new IdleStateHandler(0, 0, limits.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
                            ch.pipeline().addLast(DECODER, new IcapDecoder());
                            ch.pipeline().addLast(SESSION, new IcapSession(icap, limits, processor, pool));
                        }
                    })
                    .bind(icap.listen().host(), icap.listen().port()).syncUninterruptibly().channel();
            IcapServer server = new IcapServer(pool, boss, workers, connections, listener);
            log.info("ICAP listening on {}", server.address());
            return server;
        } catch (Exception e) {
            boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            pool.close();
            throw new IOException("icap.listen: cannot listen on " + icap.listen() + ": " + e.getMessage(), e);
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** ICAP requests waiting for an inspection thread now. */
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
        log.info("ICAP stopped");
    }
}
