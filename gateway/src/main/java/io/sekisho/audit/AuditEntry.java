package io.sekisho.audit;

import java.time.Instant;

/**
 * What can be appended to the audit log. The log adds the sequence number and the chain hashes;
 * the entry is the content. Each kind has its own {@code type} word in the file.
 */
public sealed interface AuditEntry permits AuditRecord, AdminEvent, Checkpoint {
    /** The {@code type} field in the file: {@code decision}, {@code admin} or {@code checkpoint}. */
    String kind();

    Instant time();
}
