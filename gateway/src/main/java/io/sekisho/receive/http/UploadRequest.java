package io.sekisho.receive.http;

import io.sekisho.transfer.Channel;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The envelope of one upload as the receiving stage saw it: who, from where, to which host, with
 * which method and URL. The parts come separately (spooled files).
 *
 * @param channel       {@code http} (the proxy, plain or intercepted) or {@code icap}
 * @param transferId    unique id of this request (also the incident id of a block)
 * @param connectionId  the client connection, for logs
 * @param clientAddress the connecting client (for ICAP: X-Client-IP when the proxy sent it)
 * @param user          the authenticated proxy user (or ICAP X-Authenticated-User), else null
 * @param method        request method
 * @param url           absolute URL ({@code https://...} inside intercepted TLS)
 * @param host          destination host, lower case, without port
 * @param headers       the headers that matter to inspection, in order (name as sent, value)
 * @param bodyBytes     body bytes as received (before Content-Encoding is undone)
 */
public record UploadRequest(Channel channel, String transferId, String connectionId, String clientAddress, String user,
                            String method, String url, String host, List<Map.Entry<String, String>> headers,
                            long bodyBytes) {
    /** The headers handed on: everything about the content and the client, nothing about credentials. */
    public static final List<String> HEADERS_THAT_MATTER = List.of("Content-Type", "Content-Encoding", "Content-Length",
            "Content-Disposition", "Transfer-Encoding", "User-Agent", "Referer", "Origin");

    public UploadRequest {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(transferId, "transferId");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(host, "host");
        headers = List.copyOf(headers);
    }

    /** The first value of a header, or null. */
    public String header(String name) {
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equalsIgnoreCase(name)) {
                return h.getValue();
            }
        }
        return null;
    }

    /** Who is responsible: the user if known, else the client address. */
    public String who() {
        return user != null ? user : clientAddress;
    }
}
