package io.sekisho.audit;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Something done to or by the gateway rather than decided about a transfer: a quarantined
 * transfer released or deleted (with who and why), SIEM records dropped, a torn tail moved aside,
 * segments removed by retention.
 *
 * @param time     when it happened
 * @param instance the gateway instance that recorded it
 * @param event    what happened; see the constants
 * @param incident the incident it concerns, or null
 * @param by       who did it (a person for quarantine actions, {@code "sekisho"} for the gateway itself)
 * @param reason   why, in the actor's words, or null
 * @param details  further facts, sorted by key so the record's bytes do not depend on map order
 */
@JsonPropertyOrder({"time", "instance", "event", "incident", "by", "reason", "details"})
public record AdminEvent(Instant time, String instance, String event, String incident, String by, String reason,
                         Map<String, String> details) implements AuditEntry {
    public static final String QUARANTINE_STORED = "quarantine-stored";
    public static final String QUARANTINE_RELEASED = "quarantine-released";
    public static final String QUARANTINE_RELEASE_FAILED = "quarantine-release-failed";
    public static final String QUARANTINE_DELETED = "quarantine-deleted";
    public static final String SIEM_DROPPED = "siem-dropped";
    public static final String TORN_TAIL_MOVED = "torn-tail-moved";
    public static final String SEGMENTS_EXPIRED = "segments-expired";
    /** A CONNECT tunnel was relayed without decryption: what left was not inspected (ADR 0009). */
    public static final String UNINSPECTED_TUNNEL = "uninspected-tunnel";
    /** The actor named when the gateway itself acts. */
    public static final String GATEWAY = "sekisho";

    public AdminEvent {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(by, "by");
        details = details == null ? Map.of() : new TreeMap<>(details);
    }

    @Override
    public String kind() {
        return "admin";
    }
}
