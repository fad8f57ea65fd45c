package io.sekisho.receive.smtp;

import io.netty.buffer.ByteBuf;
import io.sekisho.transfer.ContentSink;
import io.sekisho.transfer.MemoryBudget;
import io.sekisho.transfer.PartContent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One message as it is received: in memory up to smtp.inMemoryBytes while smtp.inMemoryTotal has
 * room, else in a file of the spool (docs/adr/0013). Dropped once its reply has been sent, which
 * gives its memory back.
 *
 * <p>Writes happen on the event loop, as Netty's own {@code MixedFileUpload} does: a copy into
 * memory, or, past the limit, a write to the page cache in chunks of up to 64 KiB, return in
 * microseconds. The slow work (inspection, the relay) runs on the inspection executor.
 */
final class MessageSpool {
    /** The start of a spooled message's file name; what an earlier run left is removed at start ({@code SpoolClaim}). */
    static final String PREFIX = "msg-";

    private final ContentSink sink;

    /**
     * @param dir         where the message goes when it outgrows memory
     * @param memoryBytes how much of it is kept in memory
     * @param memory      what all messages may hold in memory together
     */
    MessageSpool(Path dir, long memoryBytes, MemoryBudget memory) {
        this.sink = new ContentSink(memoryBytes, memory, () -> Files.createTempFile(dir, PREFIX, ".eml"));
    }

    /** Takes all of {@code data}; an exception means the spool file could not be made or written. */
    void write(ByteBuf data) throws IOException {
        data.readBytes(sink, data.readableBytes());
    }

    /** Ends the message; it can then be read as often as needed until {@link #delete}. */
    PartContent finish() throws IOException {
        return sink.finish();
    }

    void delete() {
        sink.discard();
    }
}
