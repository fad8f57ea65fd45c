package io.sekisho.receive.smtp;

import io.sekisho.transfer.PartContent;

/** Where delivered messages go: in one transaction, to every recipient, or not at all. */
public interface NextHop extends AutoCloseable {

    /**
     * Relays one message; blocks (inspection thread) until the next hop answered the end of data,
     * or failed. Never throws: every failure is a {@link NextHopResult}.
     */
    NextHopResult relay(SmtpEnvelope envelope, String inspectedHeader, PartContent message);

    /** Closes connections kept open for later messages, if any; the server calls it when it stops. */
    @Override
    default void close() {
    }
}
