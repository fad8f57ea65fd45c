package io.sekisho.receive.http;

import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * One request body on disk, exactly as received (after de-chunking, before Content-Encoding is
 * undone), up to http.maxBodyBytes. What does not fit is not written: {@link #append} says how
 * much it took, and the caller keeps the rest for streaming once the request is allowed.
 */
public final class BodySpool implements AutoCloseable {
    private final Path file;
    private final long max;
    private OutputStream out;
    private long size;
    private boolean truncated;

    public BodySpool(Path dir, long max) throws IOException {
        Files.createDirectories(dir);
        Path f;
        try {
            f = Files.createTempFile(dir, "body-", ".bin", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            f = Files.createTempFile(dir, "body-", ".bin");
        }
        this.file = f;
        this.max = max;
        this.out = Files.newOutputStream(file);
    }

    /** Writes what fits of {@code buf} (without consuming it); returns how many bytes it took. */
    public int append(ByteBuf buf) throws IOException {
        int n = (int) Math.min(buf.readableBytes(), max - size);
        if (n > 0) {
            buf.getBytes(buf.readerIndex(), out, n);
            size += n;
        }
        if (n < buf.readableBytes()) {
            truncated = true;
        }
        return n;
    }

    /** Closes the file for reading; the spool is complete or truncated. */
    public void finish() throws IOException {
        if (out != null) {
            out.close();
            out = null;
        }
    }

    public Path file() {
        return file;
    }

    public long size() {
        return size;
    }

    public boolean truncated() {
        return truncated;
    }

    @Override
    public void close() {
        try {
            finish();
        } catch (IOException ignored) {
            // deleting it anyway
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // the spool folder is private; a leftover is cleaned at the next start
        }
    }
}
