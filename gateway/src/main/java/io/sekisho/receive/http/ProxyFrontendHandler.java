package io.sekisho.receive.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.sekisho.transfer.LogFields;
import io.sekisho.transfer.PartContent;
import io.sekisho.transfer.TransferPart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client connection of the forward proxy: requests are taken one at a time (pipelined
 * requests wait in the socket: AUTO_READ is off and the next read happens only when the previous
 * exchange is over), so responses leave in order.
 *
 * <p>The hops of one exchange, in order:
 * <ol>
 *   <li>clientToProxyRequest: the head is checked (absolute-form target, or origin-form inside an
 *       intercepted tunnel; Host; proxy credentials present), the body is spooled to disk up to
 *       http.maxBodyBytes (answering {@code Expect: 100-continue} ourselves);</li>
 *   <li>on an inspection thread: credentials checked, the body split into parts and given to the
 *       {@link UploadProcessor}; anything but Allow is answered from {@link HttpReplies} and the
 *       destination never sees a byte;</li>
 *   <li>proxyToServerRequest: the request re-serialised from its parsed form (hop-by-hop headers
 *       removed, origin-form target, Host from the target) and the spooled body; a body cut at the
 *       limit then streams on from the client. The inspection thread resolves the destination's
 *       name; for a plain http:// destination and a body whole in memory it only starts the
 *       connect, and the event loop sends from the connect's listener (no thread waits, no
 *       hand-off back); otherwise that thread connects and writes, waiting for each step;</li>
 *   <li>serverToProxyResponse / proxyToClientResponse: the response relayed piece by piece, the
 *       next upstream read only after the client write succeeded.</li>
 * </ol>
 * CONNECT either passes through (reported as an uninspected tunnel) or is intercepted: the
 * pipeline is rebuilt with a TLS server handler and a new instance of this handler bound to the
 * CONNECT host.
 */
final class ProxyFrontendHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ProxyFrontendHandler.class);
    private static final AtomicLong CONNECTIONS = new AtomicLong();
    private static final List<String> HOP_BY_HOP = List.of("connection", "keep-alive", "proxy-connection",
            "proxy-authorization", "proxy-authenticate", "te", "trailer", "upgrade");

    private static final byte[] NO_BODY = new byte[0];

    private enum State { IDLE, RECEIVING, WAITING, STREAMING, RESPONDING, CLOSED }

    private final ProxyServices services;
    private final Target tunnel;
    private final String connectionId;
    private ChannelHandlerContext ctx;
    private State state = State.IDLE;
    private Exchange exchange;
    private final java.util.ArrayDeque<Object> pending = new java.util.ArrayDeque<>();
    private String verifiedAuthorization;
    private String verifiedUser;

    /** The fixed destination of an intercepted tunnel; {@code failure} set when its certificate was refused. */
    record Target(String host, int port, String failure) {
    }

    ProxyFrontendHandler(ProxyServices services, Target tunnel, String connectionId) {
        this.services = services;
        this.tunnel = tunnel;
        this.connectionId = connectionId != null ? connectionId : "h" + CONNECTIONS.incrementAndGet();
    }

    private final class Exchange {
        HttpRequest request;
        String scheme;
        String host;
        int port;
        String originForm;
        boolean json;
        boolean keepAlive;
        boolean hasBody;
        BodySpool spool;
        HttpContent rest;
        boolean lastReceived;
        UploadRequest envelope;
        UploadOutcome outcome;
        Channel upstream;
        /** The destination's connection may carry the next request once this response is through. */
        boolean upstreamReusable;
        boolean requestSent;
        boolean responseStarted;
        boolean responseDone;
        int status;

        void release() {
            if (spool != null) {
                spool.close();
                spool = null;
            }
            if (rest != null) {
                ReferenceCountUtil.release(rest);
                rest = null;
            }
            if (upstream != null) {
                upstream.close();
            }
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (tunnel != null) {
            ctx.read();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!pending.isEmpty() || !accepting()) {
            // A pipelined request (or its body) that came in the same read: it waits its turn.
            pending.add(msg);
            return;
        }
        handle(msg);
    }

    /** True when the next message from the client can be handled now. */
    private boolean accepting() {
        return state == State.IDLE || state == State.RECEIVING || state == State.STREAMING;
    }

    /** Handles messages that waited; reads from the socket only when none is left. */
    private void drain() {
        while (!pending.isEmpty() && accepting()) {
            handle(pending.poll());
        }
        if (pending.isEmpty() && accepting()) {
            ctx.read();
        }
    }

    /** Ready for the next message: one that waited, else from the socket. */
    private void readMore() {
        if (pending.isEmpty()) {
            ctx.read();
        } else {
            ctx.executor().execute(this::drain);
        }
    }

    private void handle(Object msg) {
        try {
            if (msg instanceof HttpRequest req) {
                clientToProxyRequest(req);
            }
            if (msg instanceof HttpContent c && state != State.CLOSED) {
                clientToProxyContent(c.retain());
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    // ---- clientToProxyRequest

    private void clientToProxyRequest(HttpRequest req) {
        if (state != State.IDLE) {
            closeNow("request while another is in progress");
            return;
        }
        if (req.decoderResult().isFailure()) {
            replyAndClose(HttpReplies.badRequest(String.valueOf(req.decoderResult().cause().getMessage())));
            return;
        }
        Exchange x = new Exchange();
        x.request = req;
        x.json = HttpReplies.wantsJson(req.headers().get(HttpHeaderNames.ACCEPT));
        x.keepAlive = HttpUtil.isKeepAlive(req);
        x.hasBody = HttpUtil.isTransferEncodingChunked(req) || HttpUtil.getContentLength(req, 0L) > 0;
        exchange = x;
        state = State.RECEIVING;
        if (req.method().equals(HttpMethod.CONNECT)) {
            if (tunnel != null) {
                replyAndClose(HttpReplies.badRequest("CONNECT inside a tunnel"));
                return;
            }
            connect(x);
            return;
        }
        String problem = target(x);
        if (problem != null) {
            replyAndClose(HttpReplies.badRequest(problem));
            return;
        }
        if (req.method().equals(HttpMethod.TRACE)) {
            replyAndClose(HttpReplies.notAllowed("TRACE"));
            return;
        }
        if (services.users() != null && req.headers().get(HttpHeaderNames.PROXY_AUTHORIZATION) == null) {
            reply(HttpReplies.proxyAuthenticationRequired(x.json), !x.hasBody);
            return;
        }
        if (x.hasBody) {
            // Nothing is made on disk yet: the body stays in memory unless it outgrows http.inMemoryBytes.
            x.spool = new BodySpool(services.config().spoolDir(), services.config().maxBodyBytes(),
                    services.config().inMemoryBytes(), services.processor().memory());
            if (HttpUtil.is100ContinueExpected(req)) {
                ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
            }
        }
        readMore();
    }

    /** Works out scheme, host, port and origin-form target; returns a problem or null. */
    private String target(Exchange x) {
        String uri = x.request.uri();
        if (tunnel != null) {
            x.scheme = "https";
            x.host = tunnel.host();
            x.port = tunnel.port();
            if (uri.startsWith("/")) {
                x.originForm = uri;
            } else {
                URI u = parse(uri);
                if (u == null || !"https".equalsIgnoreCase(u.getScheme()) || !tunnel.host().equalsIgnoreCase(u.getHost())) {
                    return "request target does not match the tunnel's host";
                }
                x.originForm = originForm(u);
            }
            String hostHeader = x.request.headers().get(HttpHeaderNames.HOST);
            if (hostHeader != null && !hostName(hostHeader).equalsIgnoreCase(tunnel.host())) {
                return "Host " + hostHeader + " does not match the tunnel's host " + tunnel.host();
            }
            return null;
        }
        URI u = parse(uri);
        if (u == null || u.getScheme() == null || u.getHost() == null) {
            return "a proxy request needs an absolute http:// target";
        }
        if (!"http".equalsIgnoreCase(u.getScheme())) {
            return "scheme " + u.getScheme() + " is not relayed (use CONNECT for https)";
        }
        if (u.getRawUserInfo() != null) {
            return "user information in the request target";
        }
        x.scheme = "http";
        x.host = u.getHost().toLowerCase(Locale.ROOT);
        x.port = u.getPort() < 0 ? 80 : u.getPort();
        x.originForm = originForm(u);
        return null;
    }

    private static URI parse(String uri) {
        try {
            return new URI(uri);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static String originForm(URI u) {
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        return u.getRawQuery() == null ? path : path + "?" + u.getRawQuery();
    }

    private static String hostName(String hostHeader) {
        String h = hostHeader.trim();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end > 0 ? h.substring(1, end) : h;
        }
        int colon = h.lastIndexOf(':');
        return colon >= 0 ? h.substring(0, colon) : h;
    }

    private String authority(Exchange x) {
        boolean defaultPort = (x.scheme.equals("http") && x.port == 80) || (x.scheme.equals("https") && x.port == 443);
        String h = x.host.contains(":") ? "[" + x.host + "]" : x.host;
        return defaultPort ? h : h + ":" + x.port;
    }

    private void clientToProxyContent(HttpContent c) {
        Exchange x = exchange;
        if (x == null) {
            c.release();
            return;
        }
        boolean last = c instanceof LastHttpContent;
        if (c.decoderResult().isFailure()) {
            c.release();
            replyAndClose(HttpReplies.badRequest(String.valueOf(c.decoderResult().cause().getMessage())));
            return;
        }
        if (state == State.STREAMING) {
            proxyToServerContent(x, c, last);
            return;
        }
        if (state != State.RECEIVING) {
            c.release();
            return;
        }
        if (x.spool != null) {
            int took;
            try {
                took = x.spool.append(c.content());
            } catch (IOException e) {
                c.release();
                log.error("[{}] spooling the upload to {} failed, it gets 503: {}", connectionId,
                        services.config().spoolDir(), e.toString());
                reply(HttpReplies.tempfail("Sekisho cannot store the upload for inspection.", x.json), false);
                return;
            }
            if (x.spool.truncated()) {
                ByteBuf restBytes = c.content().retainedSlice(c.content().readerIndex() + took, c.content().readableBytes() - took);
                x.rest = last ? new io.netty.handler.codec.http.DefaultLastHttpContent(restBytes) : new DefaultHttpContent(restBytes);
                c.release();
                x.lastReceived = last;
                inspect(x);
                return;
            }
        }
        c.release();
        if (last) {
            x.lastReceived = true;
            inspect(x);
        } else {
            readMore();
        }
    }

    // ---- inspection, then proxyToServerRequest (on an inspection thread)

    private void inspect(Exchange x) {
        state = State.WAITING;
        if (x.spool != null) {
            try {
                x.spool.finish();
            } catch (IOException e) {
                log.error("[{}] spooling the upload to {} failed, it gets 503: {}", connectionId,
                        services.config().spoolDir(), e.toString());
                reply(HttpReplies.tempfail("Sekisho cannot store the upload for inspection.", x.json), false);
                return;
            }
        }
        String user = verifiedUser;
        String auth = x.request.headers().get(HttpHeaderNames.PROXY_AUTHORIZATION);
        boolean cached = auth != null && auth.equals(verifiedAuthorization);
        EventLoop loop = ctx.channel().eventLoop();
        if (!services.pool().submit(() -> {
            // Every line logged off the loop for this exchange carries the connection id (and,
            // once the transfer has one, its incident id).
            MDC.put(LogFields.CONNECTION_ID, connectionId);
            try {
                exchangeOffLoop(x, loop, cached ? user : null, auth);
            } catch (RuntimeException | LinkageError e) {
                // A fault of ours past the inspection (which answers its own failures): whether the
                // request went on is not known, so the client sees its connection end, not a hang.
                log.error("[{}] the exchange failed: {}", connectionId, e.toString(), e);
                loop.execute(() -> closeNow("internal error"));
            } finally {
                MDC.remove(LogFields.CONNECTION_ID);
                MDC.remove(LogFields.INCIDENT_ID);
            }
        })) {
            log.warn("[{}] inspection queue full: 503", connectionId);
            reply(HttpReplies.tempfail("Sekisho is busy inspecting other uploads; try again shortly.", x.json),
                    x.rest == null);
        }
    }

    private void exchangeOffLoop(Exchange x, EventLoop loop, String cachedUser, String auth) {
        String user = cachedUser;
        if (services.users() != null && user == null) {
            user = services.users().authenticate(auth);
            if (user == null) {
                loop.execute(() -> reply(HttpReplies.proxyAuthenticationRequired(x.json), x.rest == null));
                return;
            }
            String u = user;
            loop.execute(() -> {
                verifiedAuthorization = auth;
                verifiedUser = u;
            });
        }
        x.envelope = envelope(x, user);
        MDC.put(LogFields.INCIDENT_ID, x.envelope.transferId());
        if (tunnel != null && tunnel.failure() != null) {
            loop.execute(() -> reply(HttpReplies.badGateway(x.host, tunnel.failure(), x.json), false));
            return;
        }
        UploadParts splitter = null;
        try {
            if (x.hasBody) {
                UploadOutcome outcome;
                splitter = new UploadParts(services.config().spoolDir(), services.config().maxBodyBytes(),
                        services.config().inMemoryBytes(), services.processor().memory());
                try {
                    List<TransferPart> parts = splitter.split(x.envelope, x.spool.content(), x.spool.truncated());
                    outcome = services.processor().clientToProxyRequest(x.envelope, parts);
                    if (outcome == null) {
                        throw new IllegalStateException("the processor returned no outcome");
                    }
                } catch (Exception | LinkageError e) {
                    log.error("[{}] inspection of {} failed: {}", connectionId, x.envelope.transferId(), e.toString());
                    outcome = new UploadOutcome.Tempfail("Inspection could not finish; nothing was sent. Try again later.");
                }
                x.outcome = outcome;
                // The processor logs the decision with its rule and policy (one line per transfer at
                // INFO); this line adds only the outcome's form, for looking into the proxy itself.
                log.debug("[{}] {} {} {} from {}: {}", connectionId, x.envelope.transferId(), x.request.method(),
                        x.envelope.url(), x.envelope.who(), outcome);
                if (!(outcome instanceof UploadOutcome.Allow)) {
                    FullHttpResponse page = HttpReplies.forOutcome(outcome, x.json);
                    int status = page.status().code();
                    loop.execute(() -> reply(page, x.rest == null));
                    told(x, status);
                    return;
                }
            }
            proxyToServerRequest(x, loop);
        } finally {
            if (splitter != null) {
                splitter.close();
            }
        }
    }

    private void told(Exchange x, int status) {
        if (x.outcome == null || !services.processor().wantsResponses()) {
            return;
        }
        try {
            services.processor().proxyToClientResponse(x.envelope, x.outcome, status);
        } catch (RuntimeException e) {
            log.error("[{}] reporting {} failed: {}", connectionId, x.envelope.transferId(), e.toString());
        }
    }

    /** {@link #told} from the event loop: on an inspection thread, since the processor may block. */
    private void toldLater(Exchange x, int status) {
        if (x.outcome != null && services.processor().wantsResponses()) {
            services.pool().submit(() -> told(x, status));
        }
    }

    private UploadRequest envelope(Exchange x, String user) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (Map.Entry<String, String> h : x.request.headers()) {
            for (String name : UploadRequest.HEADERS_THAT_MATTER) {
                if (name.equalsIgnoreCase(h.getKey())) {
                    headers.add(Map.entry(h.getKey(), h.getValue()));
                }
            }
        }
        String url = x.scheme + "://" + authority(x) + x.originForm;
        String client = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress().getHostAddress();
        long size = x.spool == null ? 0 : x.spool.size();
        return new UploadRequest(io.sekisho.transfer.Channel.HTTP, UUID.randomUUID().toString(), connectionId, client, user,
                x.request.method().name(), url, x.host, headers, size);
    }

    private void proxyToServerRequest(Exchange x, EventLoop loop) {
        byte[] body = bodyAtHand(x);
        if (body != null) {
            proxyToServerRequestFromLoop(x, loop, body);
            return;
        }
        // A TLS destination, a body in a spool file or one still streaming from the client: this
        // thread connects and sends, waiting for each step.
        Channel up;
        try {
            up = services.upstream().http(loop, x.host, x.port, x.scheme.equals("https"), new ResponseRelay(this));
        } catch (UpstreamException e) {
            FullHttpResponse page = unreachable(x, e);
            loop.execute(() -> reply(page, false));
            told(x, page.status().code());
            return;
        }
        loop.execute(() -> {
            x.upstream = up;
            if (state == State.CLOSED) {
                up.close();
            }
        });
        up.read();
        try {
            // The head leaves with the body's first piece: one flush and one wait (a hand-off to the
            // event loop and back) for both. Only when none of the body is at hand yet is it sent alone.
            io.netty.channel.ChannelFuture head = up.write(forwarded(x));
            long left = x.spool == null ? 0 : x.spool.size();
            boolean ends = x.rest == null;
            if (left == 0 && !ends) {
                up.flush();
                awaitWrite(up, head);
            }
            PartContent spooled = left > 0 ? x.spool.content() : null;
            if (spooled != null && !spooled.inMemory() && up.pipeline().get(SslHandler.class) == null) {
                // A body in a spool file to a plain destination goes as one file region: the kernel
                // sends it from the page cache (sendfile), with no copy through this process and one
                // wait instead of one per 64 KiB piece. The file stays until the exchange ends, after
                // the last write below has completed.
                ChannelFuture sent = up.write(new DefaultFileRegion(spooled.file().toFile(), 0, left));
                if (ends) {
                    sendLast(x, up, LastHttpContent.EMPTY_LAST_CONTENT);
                } else {
                    up.flush();
                    awaitWrite(up, sent);
                }
            } else if (left > 0) {
                try (InputStream in = x.spool.content().open()) {
                    byte[] buf = new byte[64 * 1024];
                    while (left > 0) {
                        int n = in.readNBytes(buf, 0, (int) Math.min(buf.length, left));
                        if (n <= 0) {
                            throw new IOException("spool file shorter than written");
                        }
                        left -= n;
                        ByteBuf bytes = Unpooled.copiedBuffer(buf, 0, n);
                        if (left == 0 && ends) {
                            sendLast(x, up, new io.netty.handler.codec.http.DefaultLastHttpContent(bytes));
                        } else {
                            awaitWrite(up, up.writeAndFlush(new DefaultHttpContent(bytes)));
                        }
                    }
                }
            } else if (ends) {
                sendLast(x, up, LastHttpContent.EMPTY_LAST_CONTENT);
            }
            // Writes complete in order: the head is done once a later piece is.
            if (!head.isSuccess()) {
                throw new IOException("the request head was not sent", head.cause());
            }
            if (!ends) {
                loop.execute(() -> {
                    state = State.STREAMING;
                    HttpContent first = x.rest;
                    x.rest = null;
                    proxyToServerContent(x, first, first instanceof LastHttpContent);
                });
            }
        } catch (IOException e) {
            log.info("[{}] sending to {} failed: {}", connectionId, x.host, e.getMessage());
            up.close();
            loop.execute(() -> sendFailed(x));
        }
    }

    /** On the event loop, once sending the request failed: 502, or a close if the response had begun. */
    private void sendFailed(Exchange x) {
        // Not after a reply of ours already on its way (a 504 when the destination went idle): one
        // answer per request.
        if (exchange == x && !x.requestSent && state == State.WAITING) {
            if (x.responseStarted) {
                closeNow("sending the request failed");
            } else {
                reply(HttpReplies.badGateway(x.host, "the connection failed while sending the request", x.json), false);
            }
        }
    }

    /** Logs why the destination cannot be reached and gives the page the client gets for it. */
    private FullHttpResponse unreachable(Exchange x, UpstreamException e) {
        log.info("[{}] {}:{}: {}", connectionId, x.host, x.port, e.getMessage());
        return e.kind() == UpstreamException.Kind.TIMEOUT
                ? HttpReplies.gatewayTimeout(x.host, x.json) : HttpReplies.badGateway(x.host, e.getMessage(), x.json);
    }

    /**
     * The whole body when the request can be sent from the event loop without a thread waiting:
     * a plain http:// destination (TLS keeps the waiting path for its handshake) and a body
     * complete in memory (no spool file to read, nothing still to come from the client); else null.
     */
    private static byte[] bodyAtHand(Exchange x) {
        BodySpool spool = x.spool;
        if (!x.scheme.equals("http") || x.rest != null) {
            return null;
        }
        if (spool == null) {
            return NO_BODY;
        }
        try {
            PartContent content = spool.content();
            return content.inMemory() ? content.bytes() : null;
        } catch (IOException e) {
            return null; // the waiting path reports it
        }
    }

    /**
     * proxyToServerRequest for a body at hand: this (inspection) thread resolves the name, which
     * may block, and starts the connect; everything after runs on the client's event loop, from
     * the connect's listener: head and body in one flush, then {@link #requestSent} once written.
     *
     * <p>Why the order is safe: the exchange's fields that this thread read (request, host, body,
     * envelope, outcome) were all set before the connect started and are not changed after; every
     * field the event loop owns ({@code upstream}, {@code requestSent}, the state) is written only
     * in the listeners, which run on that loop, as {@code loop.execute} did before.
     */
    private void proxyToServerRequestFromLoop(Exchange x, EventLoop loop, byte[] body) {
        ChannelFuture connecting;
        try {
            connecting = services.upstream().startHttp(loop, x.host, x.port, new ResponseRelay(this));
        } catch (UpstreamException e) {
            FullHttpResponse page = unreachable(x, e);
            loop.execute(() -> reply(page, false));
            told(x, page.status().code());
            return;
        }
        connecting.addListener((ChannelFutureListener) f -> {
            // A channel that could not even be registered completes on another executor.
            if (loop.inEventLoop()) {
                connected(x, f, body);
            } else {
                loop.execute(() -> connected(x, f, body));
            }
        });
    }

    private void connected(Exchange x, ChannelFuture f, byte[] body) {
        if (!f.isSuccess()) {
            withLogFields(x, () -> {
                FullHttpResponse page = unreachable(x, Upstream.connectFailure(x.host, x.port, f.cause()));
                reply(page, false);
                toldLater(x, page.status().code());
            });
            return;
        }
        Channel up = f.channel();
        x.upstream = up;
        if (state == State.CLOSED) {
            up.close();
            return;
        }
        up.read();
        up.write(forwarded(x));
        ChannelFuture written = up.writeAndFlush(body.length == 0 ? LastHttpContent.EMPTY_LAST_CONTENT
                : new io.netty.handler.codec.http.DefaultLastHttpContent(Unpooled.wrappedBuffer(body)));
        // The same bound as the waiting path's awaitWrite. The upstream IdleStateHandler does not
        // cover it once the response has begun (ResponseRelay then ignores idleness): a destination
        // that answered early and stopped reading would otherwise hold the exchange for good.
        ScheduledFuture<?> timer = up.eventLoop().schedule(() -> notSent(x, up, "write timed out"),
                services.upstream().timeout().toMillis(), TimeUnit.MILLISECONDS);
        written.addListener((ChannelFutureListener) done -> {
            // Both run on the loop: a timer that can no longer be cancelled has already reported.
            if (!timer.cancel(false)) {
                return;
            }
            if (done.isSuccess()) {
                requestSent(x);
            } else {
                notSent(x, up, done.cause().toString());
            }
        });
    }

    /** On the event loop: the request could not be written to {@code up}. */
    private void notSent(Exchange x, Channel up, String why) {
        withLogFields(x, () -> log.info("[{}] sending to {} failed: {}", connectionId, x.host, why));
        up.close();
        sendFailed(x);
    }

    /** Runs {@code r} on the event loop with the log fields an inspection thread has for this exchange. */
    private void withLogFields(Exchange x, Runnable r) {
        MDC.put(LogFields.CONNECTION_ID, connectionId);
        MDC.put(LogFields.INCIDENT_ID, x.envelope.transferId());
        try {
            r.run();
        } finally {
            MDC.remove(LogFields.CONNECTION_ID);
            MDC.remove(LogFields.INCIDENT_ID);
        }
    }

    /** The request is complete once its last piece is written: decided on the event loop, before any reply is read. */
    private void sendLast(Exchange x, Channel up, LastHttpContent last) throws IOException {
        io.netty.channel.ChannelFuture f = up.writeAndFlush(last);
        f.addListener((ChannelFutureListener) done -> {
            if (done.isSuccess()) {
                requestSent(x);
            }
        });
        awaitWrite(up, f);
    }

    private void awaitWrite(Channel up, io.netty.channel.ChannelFuture f) throws IOException {
        try {
            if (!f.await(services.upstream().timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException("write timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        if (!f.isSuccess()) {
            throw new IOException(f.cause());
        }
    }

    /** The request re-serialised from its parsed form: only hop-by-hop headers change. */
    private HttpRequest forwarded(Exchange x) {
        HttpHeaders h = x.request.headers().copy();
        for (String token : h.getAll(HttpHeaderNames.CONNECTION)) {
            for (String t : token.split(",")) {
                h.remove(t.trim());
            }
        }
        for (String name : HOP_BY_HOP) {
            h.remove(name);
        }
        h.set(HttpHeaderNames.HOST, authority(x));
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, x.request.method(), x.originForm, h);
    }

    /** The rest of a body past http.maxBodyBytes, after the processor allowed its start. */
    private void proxyToServerContent(Exchange x, HttpContent c, boolean last) {
        Channel up = x.upstream;
        if (up == null) {
            c.release();
            closeNow("no upstream to stream to");
            return;
        }
        io.netty.channel.ChannelFuture written;
        if (last) {
            // Trailers are not inspected, so they are not sent on.
            written = up.writeAndFlush(new io.netty.handler.codec.http.DefaultLastHttpContent(c.content().retain()));
        } else {
            written = up.writeAndFlush(c.retain());
        }
        c.release();
        written.addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                closeNow("destination write failed");
            } else if (last) {
                x.lastReceived = true;
                requestSent(x);
            } else if (state == State.STREAMING) {
                readMore();
            }
        });
    }

    private void requestSent(Exchange x) {
        x.requestSent = true;
        if (state == State.STREAMING || state == State.WAITING) {
            state = State.RESPONDING;
        }
        if (x.responseDone) {
            exchangeDone(x);
        }
    }

    // ---- serverToProxyResponse and proxyToClientResponse (event loop)

    void serverToProxyResponse(HttpObject o, Channel up) {
        Exchange x = exchange;
        if (x == null || state == State.CLOSED) {
            ReferenceCountUtil.release(o);
            up.close();
            return;
        }
        if (o instanceof HttpResponse r) {
            x.responseStarted = true;
            x.status = r.status().code();
            HttpHeaders h = r.headers();
            // Read before the hop-by-hop headers go: the destination's own word on its connection.
            x.upstreamReusable = HttpUtil.isKeepAlive(r);
            for (String token : h.getAll(HttpHeaderNames.CONNECTION)) {
                for (String t : token.split(",")) {
                    h.remove(t.trim());
                }
            }
            for (String name : HOP_BY_HOP) {
                h.remove(name);
            }
            if (x.request.protocolVersion().equals(HttpVersion.HTTP_1_0) && HttpUtil.isTransferEncodingChunked(r)) {
                // An HTTP/1.0 client cannot read chunks: send the body as it comes and close.
                HttpUtil.setTransferEncodingChunked(r, false);
                x.keepAlive = false;
            }
            boolean framed = HttpUtil.isContentLengthSet(r) || HttpUtil.isTransferEncodingChunked(r)
                    || x.request.method().equals(HttpMethod.HEAD) || x.status == 204 || x.status == 304;
            x.upstreamReusable &= framed;
            if (!framed || !x.keepAlive) {
                x.keepAlive = false;
                h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            toldLater(x, x.status);
        }
        boolean last = o instanceof LastHttpContent;
        if (last) {
            x.responseDone = true;
        }
        ctx.writeAndFlush(o).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                closeNow("client write failed");
            } else if (last) {
                if (x.requestSent) {
                    // The whole request went and the whole response came: the connection is in step.
                    if (x.upstream == up) {
                        x.upstream = null;
                    }
                    services.upstream().done(up, x.scheme.equals("https"), x.host, x.port, x.upstreamReusable);
                    exchangeDone(x);
                }
            } else {
                up.read();
            }
        });
    }

    void upstreamClosedEarly(Channel up, Throwable cause) {
        Exchange x = exchange;
        if (x == null || state == State.CLOSED || x.upstream != up && x.upstream != null) {
            return;
        }
        if (x.responseStarted) {
            closeNow("destination closed mid-response");
        } else if (cause instanceof io.netty.handler.timeout.ReadTimeoutException) {
            reply(HttpReplies.gatewayTimeout(x.host, x.json), false);
        } else {
            String why = cause == null ? "the connection closed before a response" : Upstream.describe(cause);
            reply(HttpReplies.badGateway(x.host, why, x.json), false);
        }
    }

    private void exchangeDone(Exchange x) {
        if (exchange != x) {
            return;
        }
        x.release();
        exchange = null;
        if (!x.keepAlive) {
            closeNow(null);
            return;
        }
        state = State.IDLE;
        readMore();
    }

    // ---- our own replies

    private void reply(FullHttpResponse r, boolean keepAlive) {
        Exchange x = exchange;
        boolean keep = keepAlive && x != null && x.keepAlive
                && !HttpHeaderValues.CLOSE.contentEqualsIgnoreCase(r.headers().get(HttpHeaderNames.CONNECTION, ""));
        if (!keep) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        if (state == State.CLOSED) {
            r.release();
            return;
        }
        state = State.RESPONDING;
        ctx.writeAndFlush(r).addListener((ChannelFutureListener) f -> {
            if (x != null) {
                x.keepAlive = keep;
                x.requestSent = true;
                exchangeDone(x);
            } else {
                closeNow(null);
            }
        });
    }

    private void replyAndClose(FullHttpResponse r) {
        if (exchange != null) {
            exchange.keepAlive = false;
        }
        reply(r, false);
    }

    private void closeNow(String why) {
        if (why != null) {
            log.debug("[{}] closing: {}", connectionId, why);
        }
        state = State.CLOSED;
        if (exchange != null) {
            exchange.release();
            exchange = null;
        }
        ctx.close();
    }

    // ---- CONNECT

    private void connect(Exchange x) {
        String target = x.request.uri();
        int colon = target.lastIndexOf(':');
        int port;
        try {
            port = colon > 0 ? Integer.parseInt(target.substring(colon + 1)) : -1;
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            replyAndClose(HttpReplies.badRequest("CONNECT needs host:port"));
            return;
        }
        String host = target.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        x.host = host.toLowerCase(Locale.ROOT);
        x.port = port;
        x.scheme = "https";
        x.originForm = "";
        if (services.users() != null && x.request.headers().get(HttpHeaderNames.PROXY_AUTHORIZATION) == null) {
            replyAndClose(HttpReplies.proxyAuthenticationRequired(x.json));
            return;
        }
        state = State.WAITING;
        String auth = x.request.headers().get(HttpHeaderNames.PROXY_AUTHORIZATION);
        EventLoop loop = ctx.channel().eventLoop();
        if (!services.pool().submit(() -> connectOffLoop(x, loop, auth))) {
            replyAndClose(HttpReplies.tempfail("Sekisho is busy; try again shortly.", x.json));
        }
    }

    private void connectOffLoop(Exchange x, EventLoop loop, String auth) {
        String user = null;
        if (services.users() != null) {
            user = services.users().authenticate(auth);
            if (user == null) {
                loop.execute(() -> replyAndClose(HttpReplies.proxyAuthenticationRequired(x.json)));
                return;
            }
        }
        UploadRequest envelope = new UploadRequest(io.sekisho.transfer.Channel.HTTP, UUID.randomUUID().toString(),
                connectionId, ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress().getHostAddress(), user,
                "CONNECT", x.host + ":" + x.port, x.host, List.of(), 0);
        String reason = services.passThroughReason(x.host);
        if (reason != null) {
            passThrough(x, envelope, reason, loop);
        } else {
            intercept(x, envelope, loop);
        }
    }

    private void passThrough(Exchange x, UploadRequest envelope, String reason, EventLoop loop) {
        TunnelRelay down = new TunnelRelay(() -> { });
        TunnelRelay[] upRelay = new TunnelRelay[1];
        Runnable report = new Runnable() {
            private boolean reported;

            @Override
            public synchronized void run() {
                if (!reported) {
                    reported = true;
                    TunnelReport r = new TunnelReport(envelope, reason, upRelay[0].bytes(), down.bytes());
                    log.info("[{}] uninspected tunnel to {}:{} ({}): {} bytes up, {} down", connectionId, x.host, x.port,
                            reason, r.bytesUp(), r.bytesDown());
                    try {
                        services.processor().uninspectedTunnel(r);
                    } catch (RuntimeException e) {
                        log.error("[{}] reporting a tunnel failed: {}", connectionId, e.toString());
                    }
                }
            }
        };
        Channel up;
        try {
            up = services.upstream().raw(loop, x.host, x.port, down);
        } catch (UpstreamException e) {
            FullHttpResponse page = e.kind() == UpstreamException.Kind.TIMEOUT
                    ? HttpReplies.gatewayTimeout(x.host, x.json) : HttpReplies.badGateway(x.host, e.getMessage(), x.json);
            loop.execute(() -> replyAndClose(page));
            return;
        }
        upRelay[0] = new TunnelRelay(() -> services.pool().submit(report));
        loop.execute(() -> {
            if (state == State.CLOSED) {
                up.close();
                return;
            }
            Channel client = ctx.channel();
            down.peer(client);
            upRelay[0].peer(up);
            ctx.writeAndFlush(HttpReplies.connectionEstablished()).addListener((ChannelFutureListener) f -> {
                if (!f.isSuccess()) {
                    up.close();
                    return;
                }
                exchange = null;
                HttpProxyInitializer.becomeTunnel(client.pipeline(), upRelay[0]);
                up.read();
            });
        });
    }

    private void intercept(Exchange x, UploadRequest envelope, EventLoop loop) {
        String failure = null;
        Certificate[] chain = null;
        try {
            chain = services.upstream().verifiedChain(loop, x.host, x.port);
        } catch (UpstreamException e) {
            if (e.kind() != UpstreamException.Kind.CERTIFICATE) {
                FullHttpResponse page = e.kind() == UpstreamException.Kind.TIMEOUT
                        ? HttpReplies.gatewayTimeout(x.host, x.json) : HttpReplies.badGateway(x.host, e.getMessage(), x.json);
                loop.execute(() -> replyAndClose(page));
                return;
            }
            // Finish the client's handshake with our own certificate so it can read the 502 page.
            failure = "its certificate failed verification (" + e.getMessage() + ")";
            log.warn("[{}] {}:{}: {}", connectionId, x.host, x.port, e.getMessage());
        }
        SslContext leaf;
        try {
            leaf = services.interception().serverContext(x.host, chain);
        } catch (Exception e) {
            log.error("[{}] cannot mint a certificate for {}: {}", connectionId, x.host, e.toString());
            loop.execute(() -> replyAndClose(HttpReplies.badGateway(x.host, "Sekisho could not make a certificate", x.json)));
            return;
        }
        Target t = new Target(x.host, x.port, failure);
        loop.execute(() -> {
            if (state == State.CLOSED) {
                return;
            }
            ctx.writeAndFlush(HttpReplies.connectionEstablished()).addListener((ChannelFutureListener) f -> {
                if (f.isSuccess()) {
                    exchange = null;
                    HttpProxyInitializer.becomeIntercepted(ctx.channel().pipeline(), leaf,
                            new ProxyFrontendHandler(services, t, connectionId + "/tls"));
                }
            });
        });
    }

    // ---- the rest

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && (state == State.IDLE || state == State.RECEIVING)) {
            closeNow("idle");
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        state = State.CLOSED;
        if (exchange != null) {
            exchange.release();
            exchange = null;
        }
        pending.forEach(ReferenceCountUtil::release);
        pending.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof RequestFramingGuard.FramingException && state != State.CLOSED) {
            log.info("[{}] 400: {}", connectionId, cause.getMessage());
            if (exchange == null) {
                exchange = new Exchange();
            }
            exchange.keepAlive = false;
            if (exchange.upstream != null) {
                exchange.upstream.close();
            }
            reply(HttpReplies.badRequest(cause.getMessage()), false);
            return;
        }
        log.debug("[{}] {}", connectionId, cause.toString());
        closeNow(null);
    }
}
