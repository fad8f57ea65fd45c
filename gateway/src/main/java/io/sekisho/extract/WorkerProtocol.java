package io.sekisho.extract;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes between {@link IsolatedExtractor} and an {@link ExtractWorker}: length-prefixed
 * frames, a UTF-8 file path one way and an {@link ExtractionResult} the other way.
 *
 * <p>The worker first sends one empty frame when it is ready, so that its start-up (a JVM and
 * Tika's parser registry, seconds) is not charged to the first file's wall time.
 *
 * <p>A result frame is binary, not JSON: the text of a file can be 20 million characters, and
 * escaping it into a JSON string on one side and rebuilding it character by character on the
 * other cost both processes visible CPU for nothing (both ends are this class). Every string is
 * an int byte count (-1 for null) and its UTF-8 bytes, which the JDK encodes and decodes in
 * bulk. Layout, big-endian: result status, result detail, int part count, then per part path,
 * media type, long size, status, detail, text. Statuses travel by name, so that reordering the
 * enum cannot change a result's meaning.
 */
final class WorkerProtocol {

    /** Larger than any result the character limit allows (UTF-8), smaller than the heap. */
    private static final int MAX_FRAME_BYTES = 512 * 1024 * 1024;

    private WorkerProtocol() {
    }

    static void writeReady(DataOutputStream out) throws IOException {
        write(out, new byte[0]);
        out.flush();
    }

    static void readReady(DataInputStream in) throws IOException {
        if (readFrame(in).length != 0) {
            throw new IOException("worker sent data before it was ready");
        }
    }

    static void writeRequest(DataOutputStream out, String path) throws IOException {
        write(out, utf8(path));
        out.flush();
    }

    /** The next requested path, or null when the parent closed the stream. */
    static String readRequest(DataInputStream in) throws IOException {
        try {
            return new String(readFrame(in), StandardCharsets.UTF_8);
        } catch (EOFException e) {
            return null;
        }
    }

    static void writeResult(DataOutputStream out, ExtractionResult result) throws IOException {
        if (!tryWriteResult(out, result)) {
            // Only limits far beyond the checked-in ones get here; the file fails, the worker lives on.
            tryWriteResult(out, ExtractionResult.failure(ExtractionStatus.FAILED,
                    "extracted text too large to return from the worker"));
        }
    }

    /** Writes the result, or nothing and returns false when it would not fit in one frame. */
    private static boolean tryWriteResult(DataOutputStream out, ExtractionResult result) throws IOException {
        // Encoded first, so that the frame length is known without copying the text a second time.
        List<byte[]> strings = new ArrayList<>(2 + 5 * result.parts().size());
        strings.add(utf8(result.status().name()));
        strings.add(utf8(result.detail()));
        for (ExtractedPart part : result.parts()) {
            strings.add(utf8(part.path()));
            strings.add(utf8(part.mediaType()));
            strings.add(utf8(part.status().name()));
            strings.add(utf8(part.detail()));
            strings.add(utf8(part.text()));
        }
        long length = Integer.BYTES + (long) Long.BYTES * result.parts().size();
        for (byte[] string : strings) {
            length += Integer.BYTES + (string == null ? 0 : string.length);
        }
        if (length > MAX_FRAME_BYTES) {
            return false;
        }
        out.writeInt((int) length);
        write(out, strings.get(0));
        write(out, strings.get(1));
        out.writeInt(result.parts().size());
        int next = 2;
        for (ExtractedPart part : result.parts()) {
            write(out, strings.get(next++));
            write(out, strings.get(next++));
            out.writeLong(part.size());
            write(out, strings.get(next++));
            write(out, strings.get(next++));
            write(out, strings.get(next++));
        }
        out.flush();
        return true;
    }

    static ExtractionResult readResult(DataInputStream in) throws IOException {
        ByteBuffer frame = ByteBuffer.wrap(readFrame(in));
        try {
            ExtractionStatus status = status(frame);
            String detail = string(frame);
            int count = frame.getInt();
            // Each part takes at least its size and five string lengths; a larger count is a broken frame.
            if (count < 0 || count > frame.remaining() / (Long.BYTES + 5 * Integer.BYTES)) {
                throw new IOException("bad result frame: " + count + " parts");
            }
            List<ExtractedPart> parts = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String path = string(frame);
                String mediaType = string(frame);
                long size = frame.getLong();
                parts.add(new ExtractedPart(path, mediaType, size, status(frame), string(frame), string(frame)));
            }
            if (frame.hasRemaining()) {
                throw new IOException("bad result frame: " + frame.remaining() + " bytes after the last part");
            }
            return new ExtractionResult(status, detail, parts);
        } catch (BufferUnderflowException | IllegalArgumentException | NullPointerException e) {
            throw new IOException("bad result frame: " + e, e);
        }
    }

    private static byte[] utf8(String value) {
        return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
    }

    private static void write(DataOutputStream out, byte[] string) throws IOException {
        if (string == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(string.length);
        out.write(string);
    }

    private static String string(ByteBuffer frame) throws IOException {
        int length = frame.getInt();
        if (length == -1) {
            return null;
        }
        if (length < 0 || length > frame.remaining()) {
            throw new IOException("bad result frame: string of " + length + " bytes, " + frame.remaining() + " left");
        }
        String value = new String(frame.array(), frame.position(), length, StandardCharsets.UTF_8);
        frame.position(frame.position() + length);
        return value;
    }

    private static ExtractionStatus status(ByteBuffer frame) throws IOException {
        String name = string(frame);
        if (name == null) {
            throw new IOException("bad result frame: no status");
        }
        return ExtractionStatus.valueOf(name);
    }

    private static byte[] readFrame(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > MAX_FRAME_BYTES) {
            throw new IOException("bad frame length " + length);
        }
        byte[] data = new byte[length];
        in.readFully(data);
        return data;
    }
}
