package io.sekisho.receive.http;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;

/**
 * Assembles a proxy connection's pipeline, and the two rebuilds a CONNECT causes. Positions, from
 * the network inwards:
 *
 * <pre>
 *   [tls]       SslHandler with a minted certificate (intercepted tunnels only)
 *   idle        http.idleTimeout
 *   guard       RequestFramingGuard: refuses ambiguous framing before anything parses it
 *   codec       HttpServerCodec (strict: no duplicate Content-Length, strict line endings)
 *   proxy       ProxyFrontendHandler: the exchange
 * </pre>
 *
 * A pass-through tunnel replaces everything with {@code tunnel} (a {@link TunnelRelay}).
 */
final class HttpProxyInitializer extends ChannelInitializer<SocketChannel> {
    static final String TLS = "tls";
    static final String IDLE = "idle";
    static final String GUARD = "guard";
    static final String CODEC = "codec";
    static final String PROXY = "proxy";
    static final String TUNNEL = "tunnel";

    private final ProxyServices services;
    private final ChannelGroup connections;

    HttpProxyInitializer(ProxyServices services, ChannelGroup connections) {
        this.services = services;
        this.connections = connections;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        connections.add(ch);
        long idle = services.config().idleTimeout().toMillis();
        ch.pipeline().addLast(IDLE, new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS));
        addHttp(ch.pipeline(), new ProxyFrontendHandler(services, null, null));
    }

    static HttpDecoderConfig decoderConfig() {
        return new HttpDecoderConfig()
                .setMaxInitialLineLength(RequestFramingGuard.MAX_LINE + 2)
                .setMaxHeaderSize(RequestFramingGuard.MAX_HEAD + 2)
                .setMaxChunkSize(64 * 1024)
                .setAllowDuplicateContentLengths(false)
                .setStrictLineParsing(true)
                .setUseRfc9112TransferEncoding(true);
    }

    private static void addHttp(ChannelPipeline p, ProxyFrontendHandler frontend) {
        p.addLast(GUARD, new RequestFramingGuard());
        p.addLast(CODEC, new HttpServerCodec(decoderConfig()));
        p.addLast(PROXY, frontend);
    }

    /** After 200 to a pass-through CONNECT: bytes only from here on. */
    static void becomeTunnel(ChannelPipeline p, TunnelRelay relay) {
        p.remove(GUARD);
        p.remove(CODEC);
        p.replace(PROXY, TUNNEL, relay);
    }

    /** After 200 to an intercepted CONNECT: TLS with a minted certificate, then HTTP/1.1 again. */
    static void becomeIntercepted(ChannelPipeline p, SslContext leaf, ProxyFrontendHandler inner) {
        p.remove(GUARD);
        p.remove(CODEC);
        p.remove(PROXY);
        p.addFirst(TLS, leaf.newHandler(p.channel().alloc()));
        addHttp(p, inner);
    }
}
