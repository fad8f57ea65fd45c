package io.sekisho.extract;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The bytes between {@link IsolatedExtractor} and an {@link ExtractWorker}: length-prefixed
 * frames, a UTF-8 file path one way and an {@link ExtractionResult} as JSON the other way.
 *
 * <p>The worker first sends one empty frame when it is ready, so that its start-up (a JVM and
 * Tika's parser registry, seconds) is not charged to the first file's wall time.
 */
final class WorkerProtocol {

    /** Larger than any result the character limit allows (UTF-8, JSON escaping), smaller than the heap. */
    private static final int MAX_FRAME_BYTES = 512 * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private WorkerProtocol() {
    }

    static void writeReady(DataOutputStream out) throws IOException {
        writeFrame(out, new byte[0]);
    }

    static void readReady(DataInputStream in) throws IOException {
        if (readFrame(in).length != 0) {
            throw new IOException("worker sent data before it was ready");
        }
    }

    static void writeRequest(DataOutputStream out, String path) throws IOException {
        writeFrame(out, path.getBytes(StandardCharsets.UTF_8));
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
        writeFrame(out, JSON.writeValueAsBytes(result));
    }

    static ExtractionResult readResult(DataInputStream in) throws IOException {
        return JSON.readValue(readFrame(in), ExtractionResult.class);
    }

    private static void writeFrame(DataOutputStream out, byte[] data) throws IOException {
        out.writeInt(data.length);
        out.write(data);
        out.flush();
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
