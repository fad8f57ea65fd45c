package io.sekisho.gateway;

import io.sekisho.decide.Action;
import io.sekisho.extract.ExtractionStatus;
import io.sekisho.transfer.Channel;

import java.time.Duration;

/**
 * What the running gateway measures, as plain calls at the few points where a transfer passes:
 * its inspection, its decision, the extraction statuses of its parts and its audit record. The
 * stages know nothing of it, and neither the gateway nor any stage knows the metrics library:
 * {@code io.sekisho.admin} implements it with Micrometer for {@code /metrics}; {@link #NONE} is a
 * gateway without an admin listener. Gauges (queue depths, catalogue size) are read from
 * {@link Gateway} by whoever publishes them.
 *
 * <p>Calls come from inspection threads, several at once, and must return at once.
 */
public interface GatewayMetrics {
    /** Measures nothing. */
    GatewayMetrics NONE = new GatewayMetrics() {
    };

    /** The policy decided {@code action} for a transfer received over {@code channel}. */
    default void decided(Channel channel, Action action) {
    }

    /** A transfer's parts were inspected (extracted, fingerprinted, matched) in {@code took}, deadline included. */
    default void inspected(Channel channel, Duration took) {
    }

    /** A part reached the policy not completely inspected, for this reason (never {@code COMPLETE}). */
    default void incomplete(ExtractionStatus status) {
    }

    /** An audit record took {@code took} to become durable, or to fail ({@code durable} false). */
    default void auditWritten(Duration took, boolean durable) {
    }
}
