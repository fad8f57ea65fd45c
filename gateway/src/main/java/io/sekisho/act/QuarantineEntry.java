package io.sekisho.act;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.time.Instant;
import java.util.List;

/**
 * What the quarantine knows about a held transfer without opening its content (the encrypted
 * header), and its state.
 *
 * @param id           the audit incident id
 * @param storedAt     when it was quarantined
 * @param channel      smtp, http or icap
 * @param sender       sender or user, or null
 * @param clientAddress the client that sent it
 * @param destinations recipients or hosts
 * @param url          the request URL, or null
 * @param parts        the parts, in order
 * @param state        held, released or deleted
 * @param stateBy      who released or deleted it, or null
 * @param stateReason  why, or null
 * @param stateAt      when, or null
 */
@JsonPropertyOrder({"id", "storedAt", "channel", "sender", "clientAddress", "destinations", "url", "parts", "state",
        "stateBy", "stateReason", "stateAt"})
public record QuarantineEntry(String id, Instant storedAt, String channel, String sender, String clientAddress,
                              List<String> destinations, String url, List<Part> parts, State state, String stateBy,
                              String stateReason, Instant stateAt) {
    public QuarantineEntry {
        destinations = destinations == null ? List.of() : List.copyOf(destinations);
        parts = parts == null ? List.of() : List.copyOf(parts);
    }

    public enum State { HELD, RELEASED, DELETED }

    /** A part as received: its name, declared type, size and SHA-256. */
    @JsonPropertyOrder({"name", "declaredType", "size", "sha256"})
    public record Part(String name, String declaredType, long size, String sha256) {
    }

    public long size() {
        return parts.stream().mapToLong(Part::size).sum();
    }

    QuarantineEntry withState(State s, String by, String reason, Instant at) {
        return new QuarantineEntry(id, storedAt, channel, sender, clientAddress, destinations, url, parts, s, by, reason, at);
    }
}
