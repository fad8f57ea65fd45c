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
    private final MemoryBudget budget;
    private final SpillFile spillFile;
    /** Bytes of the budget this sink holds: its buffer's length, then its content's size. */
    private long reserved;
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
        this(memoryLimit, MemoryBudget.UNBOUNDED, spillFile);
    }

    /**
     * @param memoryLimit bytes kept in memory at most; past it everything moves to a file (0: a
     *                    file from the first byte)
     * @param budget      shared with other sinks: memory is taken from it as the buffer grows, and
     *                    when it has no room the content moves to a file as if past the limit. What
     *                    the sink holds goes back with {@link #release} or {@link #discard}
     * @param spillFile   makes that file, only when it is needed
     */
    public ContentSink(long memoryLimit, MemoryBudget budget, SpillFile spillFile) {
        this.memoryLimit = Math.max(0, memoryLimit);
        this.budget = Objects.requireNonNull(budget, "budget");
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
        if (out == null && count + (long) len > buffer.length && !grow(count + (long) len)) {
            spill();
        }
        if (out != null) {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw new SpoolException("cannot write " + file, e);
            }
        } else {
            System.arraycopy(b, off, buffer, count, len);
            count += len;
        }
        size += len;
    }

    /**
     * Makes the buffer hold {@code needed} bytes: doubling, but never past the limit (the limit is
     * what the memory bound counts), and only with room in the budget. False: the content must go
     * to a file, because it is past the limit or because the transfers together hold all the
     * memory they may.
     */
    private boolean grow(long needed) {
        if (needed > memoryLimit) {
            return false;
        }
        long grown = Math.min(Math.max(needed, Math.max(256, buffer.length * 2L)), memoryLimit);
        if (!budget.reserve(grown - buffer.length)) {
            return false;
        }
        reserved += grown - buffer.length;
        buffer = Arrays.copyOf(buffer, (int) grown);
        return true;
    }

    private void spill() throws SpoolException {
        try {
            file = spillFile.create();
            out = Files.newOutputStream(file);
            out.write(buffer, 0, count);
        } catch (IOException e) {
            throw new SpoolException("cannot move content to the spool"
                    + (file == null ? "" : " (" + file + ")"), e);
        }
        buffer = null;
        count = 0;
        release();
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
                // The content keeps its size of the budget; the rest of the buffer goes back.
                budget.release(reserved - count);
                reserved = count;
            }
        }
        return finished;
    }

    @Override
    public void close() throws IOException {
        finish();
    }

    /**
     * Gives the memory this sink holds back to the budget: call it when the content in memory is
     * no longer used (it stays readable; it is only no longer counted). Once is enough; later
     * calls do nothing.
     */
    public void release() {
        budget.release(reserved);
        reserved = 0;
    }

    /** Drops the content: closes and deletes the spool file, if one was made, and releases its memory. */
    public void discard() {
        discarded = true;
        release();
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
