package io.sekisho.transfer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Collects content in memory up to a limit, then moves it to a spool file and goes on there (the
 * way Netty's {@code MixedFileUpload} hands over from {@code MemoryFileUpload} to
 * {@code DiskFileUpload}). {@link #finish} gives the {@link PartContent}; {@link #discard} drops
 * what was collected, file and all.
 *
 * <p>A {@link SpoolException} from a write means the spool file could not be made or written: the
 * caller fails the transfer temporarily (451, 503), it never acknowledges it.
 */
public final class ContentSink extends OutputStream {

    /** Makes the spool file when the content outgrows memory. */
    @FunctionalInterface
    public interface SpillFile {
        Path create() throws IOException;
    }

    private final long memoryLimit;
    private final SpillFile spillFile;
    private byte[] buffer = new byte[0];
    private int count;
    private Path file;
    private OutputStream out;
    private long size;
    private PartContent finished;
    private boolean discarded;

    /**
     * @param memoryLimit bytes kept in memory at most; past it everything moves to a file (0: a
     *                    file from the first byte)
     * @param spillFile   makes that file, only when it is needed
     */
    public ContentSink(long memoryLimit, SpillFile spillFile) {
        this.memoryLimit = Math.max(0, memoryLimit);
        this.spillFile = Objects.requireNonNull(spillFile, "spillFile");
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (finished != null || discarded) {
            throw new IOException(discarded ? "the content was discarded" : "the content is already finished");
        }
        if (out == null && count + (long) len > memoryLimit) {
            spill();
        }
        if (out != null) {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw new SpoolException("cannot write " + file, e);
            }
        } else {
            if (count + len > buffer.length) {
                // Doubling, but never past the limit: the limit is what the memory bound counts.
                long grown = Math.max(count + (long) len, Math.max(256, buffer.length * 2L));
                buffer = Arrays.copyOf(buffer, (int) Math.min(grown, memoryLimit));
            }
            System.arraycopy(b, off, buffer, count, len);
            count += len;
        }
        size += len;
    }

    private void spill() throws SpoolException {
        try {
            file = spillFile.create();
            out = Files.newOutputStream(file);
            out.write(buffer, 0, count);
        } catch (IOException e) {
            throw new SpoolException("cannot move content past " + memoryLimit + " bytes to the spool"
                    + (file == null ? "" : " (" + file + ")"), e);
        }
        buffer = null;
        count = 0;
    }

    /** Bytes written so far. */
    public long size() {
        return size;
    }

    /** True once the content has moved to a file. */
    public boolean spilled() {
        return file != null;
    }

    /** Ends the writing (closing the file, if any) and gives the content; later calls give the same. */
    public PartContent finish() throws IOException {
        if (finished == null && discarded) {
            throw new IOException("the content was discarded");
        }
        if (finished == null) {
            if (out != null) {
                try {
                    out.close();
                } catch (IOException e) {
                    throw new SpoolException("cannot write " + file, e);
                }
                out = null;
                finished = PartContent.spooled(file, size);
            } else {
                finished = PartContent.of(count == buffer.length ? buffer : Arrays.copyOf(buffer, count));
                buffer = null;
            }
        }
        return finished;
    }

    @Override
    public void close() throws IOException {
        finish();
    }

    /** Drops the content: closes and deletes the spool file, if one was made. */
    public void discard() {
        discarded = true;
        if (out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // deleting it anyway
            }
            out = null;
        }
        buffer = null;
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // The spool folder is private; a leftover is found by its name pattern.
            }
        }
    }
}
