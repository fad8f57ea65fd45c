package io.sekisho.receive.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

/**
 * The one place where the proxy's own answers are made: every page Sekisho (not a destination)
 * sends to a client, as HTML or, for a client that asks for JSON ({@code Accept: application/json}),
 * as a JSON object {@code {"status":403,"title":..,"message":..,"incident":..}}.
 */
public final class HttpReplies {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpReplies() {
    }

    /** The reply for an outcome other than Allow. */
    public static FullHttpResponse forOutcome(UploadOutcome outcome, boolean json) {
        if (outcome instanceof UploadOutcome.Block b) {
            return page(HttpResponseStatus.FORBIDDEN, "Upload blocked", b.message(), b.incidentId(), json);
        }
        if (outcome instanceof UploadOutcome.Quarantined q) {
            return page(HttpResponseStatus.FORBIDDEN, "Upload held for review",
                    q.message() + " It has been held for review by the security team.", q.incidentId(), json);
        }
        if (outcome instanceof UploadOutcome.Tempfail t) {
            return tempfail(t.message(), json);
        }
        throw new IllegalArgumentException("no page for " + outcome);
    }

    /** 503: inspection is busy or could not finish; nothing was sent on. */
    public static FullHttpResponse tempfail(String message, boolean json) {
        FullHttpResponse r = page(HttpResponseStatus.SERVICE_UNAVAILABLE, "Try again later", message, null, json);
        r.headers().set(HttpHeaderNames.RETRY_AFTER, "30");
        return r;
    }

    /** 400 and the connection closes: the request was malformed or its framing ambiguous. */
    public static FullHttpResponse badRequest(String reason) {
        return closing(page(HttpResponseStatus.BAD_REQUEST, "Bad request",
                "Sekisho refused a malformed or ambiguous request: " + reason, null, false));
    }

    /** 407 asking for Basic proxy credentials. */
    public static FullHttpResponse proxyAuthenticationRequired(boolean json) {
        FullHttpResponse r = page(HttpResponseStatus.PROXY_AUTHENTICATION_REQUIRED, "Proxy authentication required",
                "Sign in to the Sekisho proxy with your user name and password.", null, json);
        r.headers().set(HttpHeaderNames.PROXY_AUTHENTICATE, "Basic realm=\"Sekisho\", charset=\"UTF-8\"");
        return r;
    }

    /** 502: the destination could not be reached or its certificate could not be verified. */
    public static FullHttpResponse badGateway(String host, String reason, boolean json) {
        return closing(page(HttpResponseStatus.BAD_GATEWAY, "Destination refused",
                "Sekisho could not open a trusted connection to " + host + ": " + reason, null, json));
    }

    /** 504: the destination did not answer in time (http.upstreamTimeout). */
    public static FullHttpResponse gatewayTimeout(String host, boolean json) {
        return closing(page(HttpResponseStatus.GATEWAY_TIMEOUT, "Destination timed out",
                host + " did not answer in time.", null, json));
    }

    /** 405 for methods the proxy does not relay (TRACE, and upgrades to other protocols). */
    public static FullHttpResponse notAllowed(String method) {
        return closing(page(HttpResponseStatus.METHOD_NOT_ALLOWED, "Method not allowed",
                "Sekisho does not relay " + method + " requests.", null, false));
    }

    /** 200 to a CONNECT: the tunnel is open. */
    public static FullHttpResponse connectionEstablished() {
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, new HttpResponseStatus(200, "Connection established"));
    }

    /** True when the client prefers JSON to HTML. */
    public static boolean wantsJson(String accept) {
        if (accept == null) {
            return false;
        }
        String a = accept.toLowerCase(java.util.Locale.ROOT);
        return a.contains("application/json") && !a.contains("text/html");
    }

    static FullHttpResponse page(HttpResponseStatus status, String title, String message, String incident, boolean json) {
        byte[] body;
        String type;
        if (json) {
            ObjectNode o = JSON.createObjectNode();
            o.put("status", status.code());
            o.put("title", title);
            o.put("message", message);
            o.put("incident", incident);
            body = (o.toString() + "\n").getBytes(StandardCharsets.UTF_8);
            type = "application/json; charset=utf-8";
        } else {
            StringBuilder b = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
                    .append(escape(title)).append(" - Sekisho</title></head>\n<body><h1>").append(escape(title))
                    .append("</h1>\n<p>").append(escape(message)).append("</p>\n");
            if (incident != null) {
                b.append("<p>Incident id: <code>").append(escape(incident)).append("</code></p>\n");
            }
            b.append("</body></html>\n");
            body = b.toString().getBytes(StandardCharsets.UTF_8);
            type = "text/html; charset=utf-8";
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, type)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        if (incident != null) {
            r.headers().set("X-Sekisho-Incident", incident);
        }
        return r;
    }

    /** The same page bytes, for ICAP's encapsulated response. */
    public static byte[] pageBody(UploadOutcome outcome, boolean json) {
        FullHttpResponse r = forOutcome(outcome, json);
        try {
            byte[] b = new byte[r.content().readableBytes()];
            r.content().readBytes(b);
            return b;
        } finally {
            r.release();
        }
    }

    private static FullHttpResponse closing(FullHttpResponse r) {
        r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return r;
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
