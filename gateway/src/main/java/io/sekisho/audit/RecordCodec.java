package io.sekisho.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One record as one line of JSON: {@code {"seq":..,"type":..,<content>,"prev":..,"hash":..}\n}.
 *
 * <p>The hash is SHA-256 over the line's bytes with the {@code ,"hash":"…"} member cut out (the
 * bytes up to it, then the closing brace). A verifier therefore hashes bytes exactly as stored
 * and never has to re-create a canonical JSON form; see {@code docs/audit-format.md}.
 */
final class RecordCodec {
    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private static final byte[] HASH_PREFIX = ",\"hash\":\"".getBytes(StandardCharsets.US_ASCII);
    /** {@code ,"hash":"} + 64 hex digits + {@code "}} */
    private static final int HASH_SUFFIX_LENGTH = HASH_PREFIX.length + 64 + 2;

    private RecordCodec() {
    }

    /** A line ready to write (newline included) and its hash. */
    record Encoded(byte[] line, String hash) {
    }

    static Encoded encode(long seq, AuditEntry entry, String prev) {
        ObjectNode node = JSON.createObjectNode();
        node.put("seq", seq);
        node.put("type", entry.kind());
        node.setAll((ObjectNode) JSON.valueToTree(entry));
        node.put("prev", prev);
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit entries are plain records", e);
        }
        String hash = Hashes.sha256Hex(body);
        byte[] suffix = (",\"hash\":\"" + hash + "\"}\n").getBytes(StandardCharsets.US_ASCII);
        byte[] line = Arrays.copyOf(body, body.length - 1 + suffix.length);
        System.arraycopy(suffix, 0, line, body.length - 1, suffix.length);
        return new Encoded(line, hash);
    }

    /** A stored line, read back. */
    record Decoded(long seq, String type, String prev, String hash, String computedHash, JsonNode json) {
        boolean hashMatches() {
            return hash.equals(computedHash);
        }
    }

    /**
     * Reads one line (without its newline).
     *
     * @throws IOException when the bytes are not a record at all (not JSON, no hash member, no seq)
     */
    static Decoded decode(byte[] bytes, int offset, int length) throws IOException {
        if (length < HASH_SUFFIX_LENGTH + 2 || !endsWithHash(bytes, offset, length)) {
            throw new IOException("does not end with a \"hash\" member");
        }
        int bodyLength = length - HASH_SUFFIX_LENGTH;
        byte[] body = Arrays.copyOfRange(bytes, offset, offset + bodyLength + 1);
        body[bodyLength] = '}';
        String computed = Hashes.sha256Hex(body);
        JsonNode json;
        try {
            json = JSON.readTree(bytes, offset, length);
        } catch (JsonProcessingException e) {
            throw new IOException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (json == null || !json.path("seq").isIntegralNumber() || !json.path("prev").isTextual()
                || !json.path("type").isTextual()) {
            throw new IOException("lacks seq, type or prev");
        }
        return new Decoded(json.get("seq").asLong(), json.get("type").asText(), json.get("prev").asText(),
                json.get("hash").asText(), computed, json);
    }

    private static boolean endsWithHash(byte[] b, int offset, int length) {
        int start = offset + length - HASH_SUFFIX_LENGTH;
        for (int i = 0; i < HASH_PREFIX.length; i++) {
            if (b[start + i] != HASH_PREFIX[i]) {
                return false;
            }
        }
        for (int i = start + HASH_PREFIX.length; i < start + HASH_PREFIX.length + 64; i++) {
            boolean hex = b[i] >= '0' && b[i] <= '9' || b[i] >= 'a' && b[i] <= 'f';
            if (!hex) {
                return false;
            }
        }
        return b[offset + length - 2] == '"' && b[offset + length - 1] == '}';
    }

    static <T> T read(JsonNode node, Class<T> type) throws IOException {
        return JSON.treeToValue(node, type);
    }
}
