package io.sekisho.receive.icap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpResponse;
import io.sekisho.receive.http.HttpReplies;
import io.sekisho.receive.http.UploadOutcome;
import io.sekisho.transfer.PartContent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The one place where ICAP responses are made (RFC 3507). Allow is 204; a block or quarantine is
 * 200 with an encapsulated HTTP 403 page (the page itself comes from {@link HttpReplies}, so the
 * proxy and ICAP say the same); overload and failed inspection are 503, so that the proxy's own
 * bypass setting decides (Squid: {@code bypass=off} refuses the request, {@code bypass=on} lets it
 * through) rather than Sekisho silently allowing.
 */
final class IcapReplies {
    /** Changes whenever what the service does changes; caches keyed on it are then dropped. */
    static final String ISTAG = "\"sekisho-reqmod-1\"";

    private IcapReplies() {
    }

    static ByteBuf options(int previewBytes, int maxConnections) {
        return head("200 OK", Map.of(), "Methods: REQMOD\r\nService: Sekisho data-leak prevention\r\n"
                + "Max-Connections: " + maxConnections + "\r\nOptions-TTL: 300\r\nAllow: 204\r\n"
                + "Preview: " + previewBytes + "\r\nTransfer-Preview: *\r\n", "null-body=0");
    }

    static ByteBuf continueAfterPreview() {
        return ascii("ICAP/1.0 100 Continue\r\n\r\n");
    }

    static ByteBuf noModification() {
        return head("204 No Content", Map.of(), "", "null-body=0");
    }

    /** 200 with an encapsulated HTTP response: the 403 page for a block or quarantine. */
    static ByteBuf forOutcome(UploadOutcome outcome, boolean json) {
        FullHttpResponse page = HttpReplies.forOutcome(outcome, json);
        try {
            StringBuilder h = new StringBuilder("HTTP/1.1 ").append(page.status().code()).append(' ')
                    .append(page.status().reasonPhrase()).append("\r\n");
            page.headers().forEach(e -> h.append(e.getKey()).append(": ").append(e.getValue()).append("\r\n"));
            h.append("Connection: close\r\n\r\n");
            byte[] httpHead = h.toString().getBytes(StandardCharsets.ISO_8859_1);
            int bodyLength = page.content().readableBytes();
            ByteBuf out = head("200 OK", Map.of(), "", "res-hdr=0, res-body=" + httpHead.length);
            out.writeBytes(httpHead);
            out.writeBytes(ascii(Integer.toHexString(bodyLength) + "\r\n"));
            out.writeBytes(page.content(), page.content().readerIndex(), bodyLength);
            out.writeBytes(ascii("\r\n0\r\n\r\n"));
            return out;
        } finally {
            page.release();
        }
    }

    /** For a client that did not send {@code Allow: 204}: the request itself, unmodified. */
    static ByteBuf unmodified(byte[] httpHead, PartContent body) throws IOException {
        ByteBuf out = head("200 OK", Map.of(), "", body == null
                ? "req-hdr=0, null-body=" + httpHead.length : "req-hdr=0, req-body=" + httpHead.length);
        out.writeBytes(httpHead);
        if (body != null) {
            try (InputStream in = body.open()) {
                byte[] buf = new byte[64 * 1024];
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.writeBytes(ascii(Integer.toHexString(n) + "\r\n"));
                    out.writeBytes(buf, 0, n);
                    out.writeBytes(ascii("\r\n"));
                }
            }
            out.writeBytes(ascii("0\r\n\r\n"));
        }
        return out;
    }

    /** 503: overloaded or inspection failed. The proxy in front decides by its bypass setting. */
    static ByteBuf unavailable(String why) {
        return head("503 Service Unavailable", Map.of("X-Sekisho-Reason", why), "", "null-body=0");
    }

    static ByteBuf badRequest(String why) {
        return head("400 Bad Request", Map.of("X-Sekisho-Reason", why), "", "null-body=0");
    }

    static ByteBuf methodNotAllowed(String method) {
        return head("405 Method Not Allowed", Map.of("X-Sekisho-Reason", method + " is not offered (REQMOD only)"), "",
                "null-body=0");
    }

    static ByteBuf serviceNotFound(String uri) {
        return head("404 ICAP Service Not Found", Map.of("X-Sekisho-Reason", "no service at " + uri.replaceAll("[\\r\\n]", "")),
                "", "null-body=0");
    }

    private static ByteBuf head(String status, Map<String, String> extra, String headers, String encapsulated) {
        StringBuilder b = new StringBuilder("ICAP/1.0 ").append(status).append("\r\nISTag: ").append(ISTAG).append("\r\n")
                .append("Server: Sekisho\r\n").append(headers);
        extra.forEach((k, v) -> b.append(k).append(": ").append(v.replaceAll("[\\r\\n]", " ")).append("\r\n"));
        b.append("Encapsulated: ").append(encapsulated).append("\r\n\r\n");
        return ascii(b.toString());
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }
}
