package io.sekisho.receive.smtp;

import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The file one message is received into, deleted once its reply has been sent.
 *
 * <p>Writes happen on the event loop, as Netty's own {@code DiskFileUpload} does: they go to the
 * page cache in chunks of up to 64 KiB and return in microseconds. The slow work (inspection,
 * the relay) runs on the inspection executor.
 */
final class MessageSpool {
    private final Path file;
    private FileChannel channel;

    private MessageSpool(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    static MessageSpool create(Path dir) throws IOException {
        Path file = Files.createTempFile(dir, "msg-", ".eml");
        return new MessageSpool(file, FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING));
    }

    void write(ByteBuf data) throws IOException {
        while (data.isReadable()) {
            data.readBytes(channel, data.readableBytes());
        }
    }

    /** Closes the file for writing; it can then be read by path. */
    Path finish() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
        return file;
    }

    void delete() {
        try {
            finish();
        } catch (IOException ignored) {
            // deleting anyway
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // the spool folder is private; a left-over file is found by its name pattern
        }
    }
}
