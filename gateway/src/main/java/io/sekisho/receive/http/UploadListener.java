package io.sekisho.receive.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.sekisho.receive.InspectionPool;
import io.sekisho.config.HostPort;
import io.sekisho.config.HttpConfig;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A listening socket of the upload side (the proxy, the ICAP service) with everything it owns:
 * its event loops, its open connections and its inspection pool, bound and stopped the same way
 * for both. At stop the listener closes first, then the connections, then the pool (so no
 * inspection is left waiting for a connection), then the event loops.
 */
public final class UploadListener implements AutoCloseable {
    private final InspectionPool pool;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ChannelGroup connections;
    private final Channel listener;

    private UploadListener(InspectionPool pool, EventLoopGroup boss, EventLoopGroup workers, ChannelGroup connections,
                           Channel listener) {
        this.pool = pool;
        this.boss = boss;
        this.workers = workers;
        this.connections = connections;
        this.listener = listener;
    }

    /**
     * What both upload listeners need before they bind, from the http limits they share: the
     * spool folder (http.spoolDir, created here) and an inspection pool (http.inspectionThreads,
     * http.inspectionQueue). {@link IllegalArgumentException} names the key when the folder cannot be made.
     */
    public static InspectionPool prepare(HttpConfig limits) {
        try {
            Files.createDirectories(limits.spoolDir());
        } catch (IOException e) {
            throw new IllegalArgumentException("http.spoolDir: cannot create " + limits.spoolDir() + ": " + e.getMessage(), e);
        }
        return new InspectionPool("sekisho-http-inspect", limits.inspectionThreads(), limits.inspectionQueue());
    }

    /**
     * Binds {@code at}. {@code childHandler} gets the group every accepted connection must join (so
     * that stop can close them). On failure the pool is closed too and the {@link IOException}
     * names {@code key}.
     *
     * @param autoRead false when the pipeline decides itself when to read (the proxy's back-pressure)
     */
    public static UploadListener bind(String key, HostPort at, InspectionPool pool, boolean autoRead,
                                      Function<ChannelGroup, ChannelHandler> childHandler) throws IOException {
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        ChannelGroup connections = new DefaultChannelGroup(key + " connections", GlobalEventExecutor.INSTANCE);
        try {
            Channel listener = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 256)
                    .childOption(ChannelOption.AUTO_READ, autoRead)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(childHandler.apply(connections))
                    .bind(at.host(), at.port()).syncUninterruptibly().channel();
            return new UploadListener(pool, boss, workers, connections, listener);
        } catch (Exception e) {
            boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            pool.close();
            throw new IOException(key + ": cannot listen on " + at + ": " + e.getMessage(), e);
        }
    }

    /** The address actually bound. */
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** Requests waiting for an inspection thread now. */
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
    }
}
