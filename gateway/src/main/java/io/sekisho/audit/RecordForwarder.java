package io.sekisho.audit;

/**
 * Receives every durable record (for a SIEM). {@link #offer} must never block or throw: a slow
 * receiver drops records and counts them, and the log records the count.
 */
public interface RecordForwarder extends AutoCloseable {
    /** A record as stored: one line of JSON, without the newline. */
    void offer(String recordJson);

    /** Records dropped since the last call, and resets the count. */
    long takeDropped();

    @Override
    void close();
}
