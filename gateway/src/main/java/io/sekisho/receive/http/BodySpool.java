package io.sekisho.receive.http;

import io.netty.buffer.ByteBuf;
import io.sekisho.transfer.ContentSink;
import io.sekisho.transfer.MemoryBudget;
import io.sekisho.transfer.PartContent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * One request body exactly as received (after de-chunking, before Content-Encoding is undone), up
 * to http.maxBodyBytes: in memory up to http.inMemoryBytes while http.inMemoryTotal has room, else
 * in a file of the spool (docs/adr/0013). What does not fit http.maxBodyBytes is not kept: {@link #append} says how much
 * it took, and the caller keeps the rest for streaming once the request is allowed.
 */
public final class BodySpool implements AutoCloseable {
    /** The start of a spooled body's file name; what an earlier run left is removed at start ({@code SpoolClaim}). */
    public static final String PREFIX = "body-";

    private final ContentSink sink;
    private final long max;
    private boolean truncated;

    /**
     * @param dir         where the body goes when it outgrows memory
     * @param max         http.maxBodyBytes
     * @param memoryBytes http.inMemoryBytes
     * @param memory      http.inMemoryTotal: what all bodies may hold in memory together (given
     *                    back when the spool is closed)
     */
    public BodySpool(Path dir, long max, long memoryBytes, MemoryBudget memory) {
        this.sink = new ContentSink(memoryBytes, memory, () -> spoolFile(dir));
        this.max = max;
    }

    private static Path spoolFile(Path dir) throws IOException {
        Files.createDirectories(dir);
        try {
            return Files.createTempFile(dir, PREFIX, ".bin",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            return Files.createTempFile(dir, PREFIX, ".bin");
        }
    }

    /**
     * Keeps what fits of {@code buf} (without consuming it); returns how many bytes it took. An
     * exception means the spool file could not be made or written.
     */
    public int append(ByteBuf buf) throws IOException {
        int n = (int) Math.min(buf.readableBytes(), max - sink.size());
        if (n > 0) {
            buf.getBytes(buf.readerIndex(), sink, n);
        }
        if (n < buf.readableBytes()) {
            truncated = true;
        }
        return n;
    }

    /** Ends the body (closing its file, if it has one); the spool is complete or truncated. */
    public void finish() throws IOException {
        sink.finish();
    }

    /** The body; after {@link #finish}. */
    public PartContent content() throws IOException {
        return sink.finish();
    }

    public long size() {
        return sink.size();
    }

    public boolean truncated() {
        return truncated;
    }

    /** Drops the body, and its file if it has one. */
    @Override
    public void close() {
        sink.discard();
    }
}
