package io.sekisho.receive.smtp;

import io.sekisho.transfer.PartContent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The message as it goes to the next hop: our {@code X-Sekisho-Inspected} header first, then the
 * message as received minus any {@code X-Sekisho-Inspected} header it already had (a header from
 * outside proves nothing and must not reach a downstream system that trusts it), dot-stuffed,
 * ended with {@code CRLF . CRLF}.
 *
 * <p>The received message has CRLF line ends only: {@link SmtpInput} refuses bare CR and LF.
 */
final class RelayedMessage {
    static final String HEADER = "X-Sekisho-Inspected";

    private RelayedMessage() {
    }

    /** Writes the DATA content and the end-of-data line; returns the bytes written. */
    static long writeTo(OutputStream out, String inspectedHeader, PartContent message) throws IOException {
        byte[] ours = (HEADER + ": " + inspectedHeader + "\r\n").getBytes(StandardCharsets.UTF_8);
        out.write(ours);
        Copy copy = new Copy(out);
        copy.written = ours.length;
        if (message.inMemory()) {
            byte[] bytes = message.bytes();
            copy.chunk(bytes, bytes.length);
        } else {
            try (InputStream in = message.open()) {
                // Whole buffers, not single bytes: the body is most of a message and is copied as it
                // is, but for dot-stuffing, so it is scanned, never copied a byte at a time.
                byte[] buffer = new byte[64 * 1024];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    copy.chunk(buffer, n);
                }
            }
        }
        copy.end();
        out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
        return copy.written;
    }

    /** The state of one copy: header lines are collected whole (to drop ours), the body streams. */
    private static final class Copy {
        private final OutputStream out;
        private final ByteArrayOutputStream headerLine = new ByteArrayOutputStream(1024);
        private boolean inHeader = true;
        private boolean skipping;
        private boolean lineStart = true;
        private long written;

        Copy(OutputStream out) {
            this.out = out;
        }

        void chunk(byte[] buffer, int length) throws IOException {
            int i = 0;
            while (inHeader && i < length) {
                int newline = indexOf(buffer, i, length, (byte) '\n');
                int stop = newline < 0 ? length : newline + 1;
                headerLine.write(buffer, i, stop - i);
                i = stop;
                if (newline >= 0) {
                    headerLine();
                }
            }
            if (i < length) {
                body(buffer, i, length);
            }
        }

        private void headerLine() throws IOException {
            byte[] line = headerLine.toByteArray();
            headerLine.reset();
            if (isBlank(line)) {
                inHeader = false;
            } else if (skipping && (line[0] == ' ' || line[0] == '\t')) {
                return;
            } else {
                skipping = isOurHeader(line);
                if (skipping) {
                    return;
                }
            }
            body(line, 0, line.length);
        }

        /** Copies bytes as they are, but for a second dot before every line that starts with one. */
        private void body(byte[] bytes, int from, int to) throws IOException {
            int pending = from;
            // A local, not the field, in the loop: the JIT stores a field back on every byte.
            boolean atStart = lineStart;
            for (int i = from; i < to; i++) {
                byte b = bytes[i];
                if (atStart && b == '.') {
                    out.write(bytes, pending, i - pending);
                    out.write('.');
                    written++;
                    pending = i;
                }
                atStart = b == '\n';
            }
            lineStart = atStart;
            out.write(bytes, pending, to - pending);
            written += to - from;
        }

        /** Cannot happen for a spooled message; keeps the end of data on a line of its own. */
        void end() throws IOException {
            if (headerLine.size() > 0) {
                byte[] line = headerLine.toByteArray();
                headerLine.reset();
                if (!(skipping && (line[0] == ' ' || line[0] == '\t')) && !isOurHeader(line)) {
                    body(line, 0, line.length);
                }
            }
            if (!lineStart) {
                out.write('\r');
                out.write('\n');
                lineStart = true;
            }
        }
    }

    private static int indexOf(byte[] bytes, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isBlank(byte[] line) {
        return line.length == 2 && line[0] == '\r' && line[1] == '\n';
    }

    private static boolean isOurHeader(byte[] line) {
        String start = new String(line, 0, Math.min(line.length, HEADER.length() + 8), StandardCharsets.ISO_8859_1);
        if (!start.regionMatches(true, 0, HEADER, 0, HEADER.length())) {
            return false;
        }
        String rest = start.substring(HEADER.length()).stripLeading();
        return rest.startsWith(":");
    }
}
