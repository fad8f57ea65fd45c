package io.sekisho.receive.icap;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.sekisho.config.HttpConfig;
import io.sekisho.config.IcapConfig;
import io.sekisho.receive.InspectionPool;
import io.sekisho.receive.http.UploadListener;
import io.sekisho.receive.http.UploadProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
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

    private final UploadListener listener;

    private IcapServer(UploadListener listener) {
        this.listener = listener;
    }

    public static IcapServer start(IcapConfig icap, HttpConfig limits, UploadProcessor processor) throws IOException {
        InspectionPool pool = UploadListener.prepare(limits);
        IcapConnectionGate gate = new IcapConnectionGate(icap.maxConnections());
        IcapServer server = new IcapServer(UploadListener.bind("icap.listen", icap.listen(), pool, true,
                connections -> new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        ch.pipeline().addLast(GATE, gate);
                        ch.pipeline().addLast(IDLE, new IdleStateHandler(0, 0, limits.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
                        ch.pipeline().addLast(DECODER, new IcapDecoder());
                        ch.pipeline().addLast(SESSION, new IcapSession(icap, limits, processor, pool));
                    }
                }));
        log.info("ICAP listening on {}", server.address());
        return server;
    }

    public InetSocketAddress address() {
        return listener.address();
    }

    /** ICAP requests waiting for an inspection thread now. */
    public int queuedRequests() {
        return listener.queuedRequests();
    }

    @Override
    public void close() {
        listener.close();
        log.info("ICAP stopped");
    }
}
