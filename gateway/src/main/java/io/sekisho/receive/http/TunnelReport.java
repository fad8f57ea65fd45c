package io.sekisho.receive.http;

import java.util.Objects;

/**
 * A CONNECT tunnel that was relayed without decryption (a pass-through host, or no interception
 * CA): its content was never inspected, so the processor is told once it closes.
 *
 * @param request   the CONNECT request's envelope (method CONNECT, url {@code host:port})
 * @param reason    {@value #PASS_THROUGH}, {@value #NOT_INTERCEPTED} or {@value #NO_CA}
 * @param bytesUp   bytes from the client to the destination
 * @param bytesDown bytes from the destination to the client
 */
public record TunnelReport(UploadRequest request, String reason, long bytesUp, long bytesDown) {
    /** The host is on http.tls.passThrough. */
    public static final String PASS_THROUGH = "pass-through";
    /** The host is not on http.tls.intercept. */
    public static final String NOT_INTERCEPTED = "not-intercepted";
    /** No interception CA is configured. */
    public static final String NO_CA = "no-ca";

    public TunnelReport {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(reason, "reason");
    }
}
