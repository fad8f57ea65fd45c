package io.sekisho.receive.http;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.Future;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Opens connections to destinations from an inspection thread, never from an event loop: the name
 * is resolved here (blocking), then Netty connects on the client's own event loop. {@link #http}
 * and {@link #raw} wait for the connection; {@link #startHttp} returns once the connect is under
 * way, so that the caller can go on from listeners on that event loop instead of a thread waiting.
 * TLS to a destination always verifies the certificate chain and the host name
 * ({@link UpstreamTls}); there is no switch to turn that off.
 */
final class Upstream {
    static final String TLS = "upstream-tls";
    static final String IDLE = "upstream-idle";
    static final String CODEC = "upstream-codec";
    static final String RELAY = "upstream-relay";

    private final Duration timeout;
    private final SslContext tls;
    private final HostResolver resolver;
    private final KeptUpstreams kept;

    /** {@code keepAlive}: how long a connection is kept for the next request to its destination (zero: not at all). */
    Upstream(Duration timeout, SslContext tls, HostResolver resolver, Duration keepAlive) {
        this.timeout = timeout;
        this.tls = tls;
        this.resolver = resolver;
        this.kept = new KeptUpstreams(keepAlive);
    }

    Duration timeout() {
        return timeout;
    }

    /**
     * An HTTP connection (TLS when {@code https}) whose responses go to {@code relay}; AUTO_READ is
     * off. A kept one ({@link KeptUpstreams}) when there is one, else a new one.
     */
    Channel http(EventLoop loop, String host, int port, boolean https, ChannelHandler relay) throws UpstreamException {
        Channel ch = kept.take(loop, https, host, port, relay);
        return ch != null ? ch : connect(loop, host, port, https, httpPipeline(relay));
    }

    /** Connections kept for a next request now. */
    int keptConnections() {
        return kept.kept();
    }

    /**
     * On {@code ch}'s event loop, once its response was relayed in full: keeps it for the next
     * request to the same destination when {@code reusable}, else closes it.
     */
    void done(Channel ch, boolean https, String host, int port, boolean reusable) {
        if (reusable) {
            kept.park(ch, https, host, port);
        } else {
            ch.close();
        }
    }

    /**
     * A plain HTTP connection as {@link #http} gives it, without waiting for the connect: the
     * returned future completes on {@code loop} (its listeners run there), at once for a kept
     * connection, else after at most CONNECT_TIMEOUT_MILLIS; a failure's cause becomes an exception
     * through {@link #connectFailure}.
     *
     * @throws UpstreamException when the name does not resolve
     */
    ChannelFuture startHttp(EventLoop loop, String host, int port, ChannelHandler relay) throws UpstreamException {
        Channel ch = kept.take(loop, false, host, port, relay);
        return ch != null ? ch.newSucceededFuture() : start(loop, host, port, false, httpPipeline(relay));
    }

    private Assembly httpPipeline(ChannelHandler relay) {
        return ch -> {
            ch.pipeline().addLast(IDLE, new IdleStateHandler(0, 0, timeout.toMillis(), TimeUnit.MILLISECONDS));
            ch.pipeline().addLast(CODEC, new HttpClientCodec());
            ch.pipeline().addLast(RELAY, relay);
        };
    }

    /** A raw TCP connection (a pass-through tunnel); AUTO_READ is off, {@code relay} gets the bytes. */
    Channel raw(EventLoop loop, String host, int port, ChannelHandler relay) throws UpstreamException {
        return connect(loop, host, port, false, ch -> ch.pipeline().addLast(RELAY, relay));
    }

    /** The destination's verified certificate chain (leaf first), for minting the interception certificate. */
    Certificate[] verifiedChain(EventLoop loop, String host, int port) throws UpstreamException {
        Channel ch = connect(loop, host, port, true, c -> c.pipeline().addLast(RELAY, new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(io.netty.channel.ChannelHandlerContext ctx, Throwable cause) {
                ctx.close(); // the handshake future already carries the failure
            }
        }));
        try {
            return ch.pipeline().get(SslHandler.class).engine().getSession().getPeerCertificates();
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            throw new UpstreamException(UpstreamException.Kind.CERTIFICATE, "no verified certificate", e);
        } finally {
            ch.close();
        }
    }

    private interface Assembly {
        void assemble(SocketChannel ch);
    }

    private Channel connect(EventLoop loop, String host, int port, boolean https, Assembly assembly) throws UpstreamException {
        ChannelFuture f = start(loop, host, port, https, assembly);
        await(f, host, port, "connect");
        if (!f.isSuccess()) {
            throw connectFailure(host, port, f.cause());
        }
        Channel ch = f.channel();
        if (https) {
            ch.read(); // the handshake needs reads while AUTO_READ is off
            Future<Channel> hs = ch.pipeline().get(SslHandler.class).handshakeFuture();
            await(hs, host, port, "TLS handshake");
            if (!hs.isSuccess()) {
                ch.close();
                Throwable c = hs.cause();
                boolean cert = c instanceof SSLHandshakeException || c.getCause() instanceof java.security.cert.CertificateException;
                throw new UpstreamException(cert ? UpstreamException.Kind.CERTIFICATE : UpstreamException.Kind.UNREACHABLE,
                        "TLS with " + host + ":" + port + " failed: " + describe(c), c);
            }
        }
        return ch;
    }

    /** Resolves the name (blocking) and starts the connect on {@code loop}. */
    private ChannelFuture start(EventLoop loop, String host, int port, boolean https, Assembly assembly) throws UpstreamException {
        InetAddress address;
        try {
            address = resolver.resolve(host);
        } catch (UnknownHostException e) {
            throw new UpstreamException(UpstreamException.Kind.UNREACHABLE, "unknown host " + host, e);
        }
        Bootstrap b = new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (https) {
                            SSLEngine engine = tls.newEngine(ch.alloc(), host, port);
                            SSLParameters p = engine.getSSLParameters();
                            p.setEndpointIdentificationAlgorithm("HTTPS");
                            p.setApplicationProtocols(new String[]{"http/1.1"});
                            engine.setSSLParameters(p);
                            SslHandler ssl = new SslHandler(engine);
                            ssl.setHandshakeTimeoutMillis(timeout.toMillis());
                            ch.pipeline().addLast(TLS, ssl);
                        }
                        assembly.assemble(ch);
                    }
                });
        return b.connect(new InetSocketAddress(address, port));
    }

    /**
     * Why a connect failed: Netty's own connect timeout (CONNECT_TIMEOUT_MILLIS, the same
     * http.upstreamTimeout as {@link #await}) is a timeout like the wait's, anything else unreachable.
     */
    static UpstreamException connectFailure(String host, int port, Throwable cause) {
        if (cause instanceof ConnectTimeoutException) {
            return new UpstreamException(UpstreamException.Kind.TIMEOUT, "connect to " + host + ":" + port + " timed out", cause);
        }
        return new UpstreamException(UpstreamException.Kind.UNREACHABLE,
                "cannot connect to " + host + ":" + port + ": " + cause.getMessage(), cause);
    }

    private void await(Future<?> f, String host, int port, String what) throws UpstreamException {
        boolean done;
        try {
            done = f.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done = false;
        }
        if (!done) {
            f.cancel(false);
            if (f instanceof ChannelFuture cf) {
                cf.channel().close();
            }
            throw new UpstreamException(UpstreamException.Kind.TIMEOUT, what + " to " + host + ":" + port + " timed out", null);
        }
    }

    /** The most specific message in a TLS failure: "certificate expired", "no name matching ...". */
    static String describe(Throwable t) {
        String m = t.getMessage();
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getMessage() != null) {
                m = c.getMessage();
            }
        }
        return m;
    }
}
