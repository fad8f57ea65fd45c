package io.sekisho.audit;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * A record as read back from a segment, for auditors' tools.
 *
 * @param segment the segment file
 * @param line    its line in the segment, from 1
 * @param seq     its sequence number
 * @param type    {@code decision}, {@code admin} or {@code checkpoint}
 * @param json    the whole record, as stored
 * @param raw     the line exactly as stored (without the newline)
 */
public record StoredRecord(String segment, long line, long seq, String type, JsonNode json, String raw) {
    public String incident() {
        return json.path("incident").isTextual() ? json.get("incident").asText() : null;
    }

    public Instant time() {
        return Instant.parse(json.path("time").asText());
    }
}
