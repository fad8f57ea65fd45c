package io.sekisho.audit;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The file operations the writer needs, and nothing else, so tests can make them fail the way a
 * full or broken disk does.
 */
interface SegmentFile extends Closeable {
    long size() throws IOException;

    void write(ByteBuffer bytes) throws IOException;

    /** Makes everything written so far durable. */
    void force() throws IOException;

    void truncate(long size) throws IOException;

    /** Opens (creating if missing) a segment for appending. */
    interface Opener {
        SegmentFile open(Path file) throws IOException;
    }

    Opener DEFAULT = file -> {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        return new SegmentFile() {
            @Override
            public long size() throws IOException {
                return channel.size();
            }

            @Override
            public void write(ByteBuffer bytes) throws IOException {
                long position = channel.size();
                while (bytes.hasRemaining()) {
                    position += channel.write(bytes, position);
                }
            }

            @Override
            public void force() throws IOException {
                // Data only: the size is part of the data for an appended file on the file systems we run on,
                // and the metadata flush (mtime) would double the cost of every group.
                channel.force(false);
            }

            @Override
            public void truncate(long size) throws IOException {
                channel.truncate(size);
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    };
}
