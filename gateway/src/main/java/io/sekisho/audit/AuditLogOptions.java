package io.sekisho.audit;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link AuditLog} writes. Every field has a default; the gateway configuration sets them.
 *
 * @param instance           the gateway instance named in every record (default: the host name)
 * @param signingKey         the Ed25519 key that signs checkpoints; null writes no checkpoints
 * @param checkpointEvery    a checkpoint after at most this many records (default 1000)
 * @param checkpointInterval and at most this long after the first unsigned record (default 60 s)
 * @param maxSegmentBytes    a new segment once the current one reaches this size (default 64 MiB)
 * @param maxSegmentAge      or once it is this old (default 1 day)
 * @param retention          segments whose newest record is older than this are removed at rotation,
 *                           and the removal is recorded; null keeps everything (the default)
 * @param forwarder          where each durable record is also sent (a SIEM), or null
 */
public record AuditLogOptions(String instance, PrivateKey signingKey, int checkpointEvery, Duration checkpointInterval,
                              long maxSegmentBytes, Duration maxSegmentAge, Duration retention,
                              RecordForwarder forwarder) {
    public AuditLogOptions {
        Objects.requireNonNull(instance, "instance");
        if (checkpointEvery < 1 || maxSegmentBytes < 1) {
            throw new IllegalArgumentException("checkpointEvery and maxSegmentBytes must be positive");
        }
        Objects.requireNonNull(checkpointInterval, "checkpointInterval");
        Objects.requireNonNull(maxSegmentAge, "maxSegmentAge");
    }

    public static AuditLogOptions defaults() {
        return new AuditLogOptions(hostName(), null, 1000, Duration.ofSeconds(60), 64L << 20, Duration.ofDays(1),
                null, null);
    }

    public AuditLogOptions withInstance(String name) {
        return new AuditLogOptions(name, signingKey, checkpointEvery, checkpointInterval, maxSegmentBytes,
                maxSegmentAge, retention, forwarder);
    }

    public AuditLogOptions withSigningKey(PrivateKey key) {
        return new AuditLogOptions(instance, key, checkpointEvery, checkpointInterval, maxSegmentBytes,
                maxSegmentAge, retention, forwarder);
    }

    public AuditLogOptions withCheckpoints(int every, Duration interval) {
        return new AuditLogOptions(instance, signingKey, every, interval, maxSegmentBytes, maxSegmentAge, retention,
                forwarder);
    }

    public AuditLogOptions withRotation(long bytes, Duration age) {
        return new AuditLogOptions(instance, signingKey, checkpointEvery, checkpointInterval, bytes, age, retention,
                forwarder);
    }

    public AuditLogOptions withRetention(Duration keep) {
        return new AuditLogOptions(instance, signingKey, checkpointEvery, checkpointInterval, maxSegmentBytes,
                maxSegmentAge, keep, forwarder);
    }

    public AuditLogOptions withForwarder(RecordForwarder f) {
        return new AuditLogOptions(instance, signingKey, checkpointEvery, checkpointInterval, maxSegmentBytes,
                maxSegmentAge, retention, f);
    }

    /** The host name, or {@code "localhost"} when it cannot be found. */
    public static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
