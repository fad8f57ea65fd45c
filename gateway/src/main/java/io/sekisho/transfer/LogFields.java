package io.sekisho.transfer;

/**
 * The names under which a log line carries the ids of what it is about (slf4j MDC keys), so that
 * with {@code log.format: json} every line of one connection or one transfer can be found by id.
 * Receiving stages set them where they hand work off the event loop; the gateway sets them for
 * the inspection and decision of a transfer.
 */
public final class LogFields {
    /** The receiving connection's short id, the one in brackets in text log lines. */
    public static final String CONNECTION_ID = "connectionId";

    /** The transfer's id: the incident id in audit records, replies and block pages. */
    public static final String INCIDENT_ID = "incidentId";

    private LogFields() {
    }
}
