package io.sekisho.audit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A signed statement "the chain up to record {@code coversSeq} ends in hash {@code coversHash}".
 * Because every hash covers the one before it, one valid signature vouches for every earlier
 * record; an attacker who rewrites the chain cannot produce it without the private key.
 * Only the log writes checkpoints.
 *
 * @param keyId     {@link AuditKeys#keyId} of the signing key, so a verifier can say which key signed
 * @param signature base64 Ed25519 signature over {@link #signedBytes()}
 */
@JsonIgnoreProperties(ignoreUnknown = true) // seq, type, prev and hash belong to the chain, not to the content
@JsonPropertyOrder({"time", "instance", "coversSeq", "coversHash", "keyId", "signature"})
public record Checkpoint(Instant time, String instance, long coversSeq, String coversHash, String keyId,
                         String signature) implements AuditEntry {
    static final String DOMAIN = "sekisho-audit-checkpoint-v1";

    @Override
    public String kind() {
        return "checkpoint";
    }

    /** What is signed: a domain string, then the covered position, the time and the instance, one per line. */
    public byte[] signedBytes() {
        return signedBytes(coversSeq, coversHash, time.toString(), instance);
    }

    static byte[] signedBytes(long coversSeq, String coversHash, String time, String instance) {
        return (DOMAIN + "\n" + coversSeq + "\n" + coversHash + "\n" + time + "\n" + instance)
                .getBytes(StandardCharsets.UTF_8);
    }
}
