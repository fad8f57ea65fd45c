package io.sekisho.receive.icap;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.sekisho.config.HttpConfig;
import io.sekisho.config.IcapConfig;
import io.sekisho.receive.http.BodySpool;
import io.sekisho.receive.http.HttpReplies;
import io.sekisho.receive.InspectionPool;
import io.sekisho.receive.http.UploadOutcome;
import io.sekisho.receive.http.UploadParts;
import io.sekisho.receive.http.UploadProcessor;
import io.sekisho.receive.http.UploadRequest;
import io.sekisho.transfer.Channel;
import io.sekisho.transfer.LogFields;
import io.sekisho.transfer.TransferPart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One ICAP connection: OPTIONS, and REQMOD with preview. The encapsulated body is spooled (up to
 * http.maxBodyBytes; the rest is read and dropped, the part marked truncated) and given, on the
 * bounded pool, to the same {@link UploadProcessor} the proxy uses. Reading pauses while a request
 * is inspected. Requests without a body are answered 204 at once.
 */
final class IcapSession extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(IcapSession.class);
    private static final AtomicLong CONNECTIONS = new AtomicLong();

    private final IcapConfig icap;
    private final HttpConfig limits;
    private final UploadProcessor processor;
    private final InspectionPool pool;
    private final String connectionId = "i" + CONNECTIONS.incrementAndGet();

    private IcapMessage.Head head;
    private byte[] httpHead;
    private BodySpool spool;
    private boolean busy;

    IcapSession(IcapConfig icap, HttpConfig limits, UploadProcessor processor, InspectionPool pool) {
        this.icap = icap;
        this.limits = limits;
        this.processor = processor;
        this.pool = pool;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof IcapMessage.Malformed m) {
                log.info("[{}] 400: {}", connectionId, m.problem());
                ctx.writeAndFlush(IcapReplies.badRequest(m.problem())).addListener(ChannelFutureListener.CLOSE);
            } else if (msg instanceof IcapMessage.Head h) {
                head = h;
                httpHead = null;
                closeSpool();
                if (h.method().equals("REQMOD") && h.hasBody()) {
                    spool = new BodySpool(limits.spoolDir(), limits.maxBodyBytes(), limits.inMemoryBytes(),
                            processor.memory());
                }
            } else if (msg instanceof IcapMessage.HttpHead hh) {
                httpHead = hh.bytes();
            } else if (msg instanceof IcapMessage.BodyPiece piece) {
                if (spool != null) {
                    spool.append(piece.content());
                }
            } else if (msg instanceof IcapMessage.PreviewEnd) {
                ctx.writeAndFlush(IcapReplies.continueAfterPreview());
            } else if (msg instanceof IcapMessage.End) {
                end(ctx);
            }
        } catch (IOException e) {
            log.error("[{}] spooling the body to {} failed, ICAP 503: {}", connectionId, limits.spoolDir(), e.toString());
            ctx.writeAndFlush(IcapReplies.unavailable("cannot spool")).addListener(ChannelFutureListener.CLOSE);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void end(ChannelHandlerContext ctx) throws IOException {
        IcapMessage.Head h = head;
        if (h == null) {
            ctx.writeAndFlush(IcapReplies.badRequest("no request")).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        String path = URI.create(h.uri().replace(" ", "%20")).getPath();
        if (h.method().equals("OPTIONS")) {
            ctx.writeAndFlush(IcapReplies.options(icap.previewBytes(), icap.maxConnections()));
            return;
        }
        if (!h.method().equals("REQMOD")) {
            ctx.writeAndFlush(IcapReplies.methodNotAllowed(h.method()));
            return;
        }
        if (path != null && !path.isEmpty() && !path.equals("/") && !path.startsWith("/reqmod")) {
            ctx.writeAndFlush(IcapReplies.serviceNotFound(h.uri()));
            return;
        }
        boolean allow204 = allows204(h);
        if (spool == null) {
            ctx.writeAndFlush(allow204 ? IcapReplies.noModification() : IcapReplies.unmodified(httpHead, null));
            return;
        }
        spool.finish();
        BodySpool body = spool;
        spool = null;
        byte[] requestHead = httpHead == null ? new byte[0] : httpHead;
        UploadRequest request = envelope(ctx, h, requestHead, body.size());
        busy = true;
        ctx.channel().config().setAutoRead(false);
        EventLoop loop = ctx.channel().eventLoop();
        boolean queued = pool.submit(() -> {
            ByteBuf reply;
            // Every line logged while this request is inspected carries both ids.
            MDC.put(LogFields.CONNECTION_ID, connectionId);
            MDC.put(LogFields.INCIDENT_ID, request.transferId());
            try {
                reply = inspect(request, body, requestHead, allow204);
            } finally {
                MDC.remove(LogFields.CONNECTION_ID);
                MDC.remove(LogFields.INCIDENT_ID);
            }
            loop.execute(() -> {
                body.close();
                busy = false;
                ctx.writeAndFlush(reply);
                ctx.channel().config().setAutoRead(true);
            });
        });
        if (!queued) {
            log.warn("[{}] inspection queue full: ICAP 503", connectionId);
            body.close();
            busy = false;
            ctx.writeAndFlush(IcapReplies.unavailable("inspection queue full"));
            ctx.channel().config().setAutoRead(true);
        }
    }

    private ByteBuf inspect(UploadRequest request, BodySpool body, byte[] requestHead, boolean allow204) {
        UploadParts splitter = new UploadParts(limits.spoolDir(), limits.maxBodyBytes(), limits.inMemoryBytes(),
                processor.memory());
        UploadOutcome outcome;
        try {
            List<TransferPart> parts = splitter.split(request, body.content(), body.truncated());
            outcome = processor.clientToProxyRequest(request, parts);
            if (outcome == null) {
                throw new IllegalStateException("the processor returned no outcome");
            }
        } catch (Exception | LinkageError e) {
            log.error("[{}] inspection of {} failed: {}", connectionId, request.transferId(), e.toString());
            outcome = new UploadOutcome.Tempfail("inspection failed");
        } finally {
            splitter.close();
        }
        // As in the proxy: the processor's line (rule, policy) is the one per transfer at INFO.
        log.debug("[{}] {} {} {} from {}: {}", connectionId, request.transferId(), request.method(), request.url(),
                request.who(), outcome);
        ByteBuf reply;
        int status;
        if (outcome instanceof UploadOutcome.Allow) {
            status = 204;
            try {
                reply = allow204 ? IcapReplies.noModification()
                        : body.truncated() ? IcapReplies.unavailable("body too large to echo") : IcapReplies.unmodified(requestHead, body.content());
            } catch (IOException e) {
                reply = IcapReplies.unavailable("cannot read the spooled body");
            }
        } else if (outcome instanceof UploadOutcome.Tempfail t) {
            status = 503;
            reply = IcapReplies.unavailable(t.message());
        } else {
            status = 403;
            reply = IcapReplies.forOutcome(outcome, HttpReplies.wantsJson(httpHeader(requestHead, "Accept")));
        }
        if (processor.wantsResponses()) {
            try {
                processor.proxyToClientResponse(request, outcome, status);
            } catch (RuntimeException e) {
                log.error("[{}] reporting {} failed: {}", connectionId, request.transferId(), e.toString());
            }
        }
        return reply;
    }

    private static boolean allows204(IcapMessage.Head h) {
        String allow = h.header("Allow");
        if (allow == null) {
            return false;
        }
        for (String a : allow.split(",")) {
            if (a.trim().equals("204")) {
                return true;
            }
        }
        return false;
    }

    private UploadRequest envelope(ChannelHandlerContext ctx, IcapMessage.Head h, byte[] requestHead, long size) {
        String text = new String(requestHead, StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\r\n");
        String[] first = lines.length > 0 ? lines[0].split(" ") : new String[0];
        String method = first.length > 0 && !first[0].isEmpty() ? first[0] : "?";
        String url = first.length > 1 ? first[1] : "";
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        String hostHeader = null;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = lines[i].substring(0, colon).trim();
            String value = lines[i].substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Host")) {
                hostHeader = value;
            }
            for (String m : UploadRequest.HEADERS_THAT_MATTER) {
                if (m.equalsIgnoreCase(name)) {
                    headers.add(Map.entry(name, value));
                }
            }
        }
        String host = "";
        try {
            URI u = URI.create(url);
            if (u.getHost() != null) {
                host = u.getHost();
            }
        } catch (IllegalArgumentException ignored) {
            // origin-form: the Host header names it
        }
        if (host.isEmpty() && hostHeader != null) {
            host = hostHeader.replaceFirst(":[0-9]+$", "");
            url = "http://" + hostHeader + url;
        }
        String client = h.header("X-Client-IP");
        if (client == null) {
            client = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress().getHostAddress();
        }
        String user = h.header("X-Authenticated-User");
        if (user != null) {
            try {
                user = new String(Base64.getDecoder().decode(user.trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                // not base64: keep as sent
            }
        }
        return new UploadRequest(Channel.ICAP, UUID.randomUUID().toString(), connectionId, client, user, method, url,
                host.toLowerCase(Locale.ROOT), headers, size);
    }

    private static String httpHeader(byte[] head, String name) {
        for (String line : new String(head, StandardCharsets.ISO_8859_1).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    private void closeSpool() {
        if (spool != null) {
            spool.close();
            spool = null;
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && !busy) {
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closeSpool();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("[{}] {}", connectionId, cause.toString());
        ctx.close();
    }
}
