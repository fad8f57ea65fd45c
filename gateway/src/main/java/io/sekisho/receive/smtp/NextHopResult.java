package io.sekisho.receive.smtp;

import java.util.Objects;

/**
 * How the relay to the next hop ended.
 *
 * @param kind         what happened
 * @param stage        the step it happened at: connect, greeting, EHLO, MAIL, RCPT, DATA, end of data
 * @param code         the next hop's reply code, or 0 when there was no reply
 * @param enhancedCode its enhanced status code, or null
 * @param text         its reply text, or what went wrong
 */
public record NextHopResult(Kind kind, String stage, int code, String enhancedCode, String text) {
    public enum Kind {
        /** 2xx to the end of data: the next hop took responsibility for the message. */
        ACCEPTED,
        /** A 5xx reply: the message will never be accepted as it is. */
        REFUSED,
        /** A 4xx reply. */
        DEFERRED,
        /** No connection could be made. */
        UNREACHABLE,
        /** The next hop did not answer in time. */
        TIMEOUT,
        /** The next hop closed the connection or broke the protocol. */
        DISCONNECTED
    }

    public NextHopResult {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(text, "text");
    }
}
