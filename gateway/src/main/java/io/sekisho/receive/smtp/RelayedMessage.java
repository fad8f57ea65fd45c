package io.sekisho.receive.smtp;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The message as it goes to the next hop: our {@code X-Sekisho-Inspected} header first, then the
 * message as received minus any {@code X-Sekisho-Inspected} header it already had (a header from
 * outside proves nothing and must not reach a downstream system that trusts it), dot-stuffed,
 * ended with {@code CRLF . CRLF}.
 *
 * <p>The spooled message has CRLF line ends only: {@link SmtpInput} refuses bare CR and LF.
 */
final class RelayedMessage {
    static final String HEADER = "X-Sekisho-Inspected";

    private RelayedMessage() {
    }

    /** Writes the DATA content and the end-of-data line; returns the bytes written. */
    static long writeTo(OutputStream out, String inspectedHeader, Path message) throws IOException {
        long written = 0;
        byte[] ours = (HEADER + ": " + inspectedHeader + "\r\n").getBytes(StandardCharsets.UTF_8);
        out.write(ours);
        written += ours.length;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(message), 64 * 1024)) {
            ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
            boolean inHeader = true;
            boolean skipping = false;
            while (readLine(in, line)) {
                byte[] bytes = line.toByteArray();
                if (inHeader) {
                    if (isBlank(bytes)) {
                        inHeader = false;
                        skipping = false;
                    } else if (skipping && (bytes[0] == ' ' || bytes[0] == '\t')) {
                        continue;
                    } else {
                        skipping = isOurHeader(bytes);
                        if (skipping) {
                            continue;
                        }
                    }
                }
                if (bytes.length > 0 && bytes[0] == '.') {
                    out.write('.');
                    written++;
                }
                out.write(bytes);
                written += bytes.length;
                if (bytes[bytes.length - 1] != '\n') {
                    // Cannot happen for a spooled message; keeps the end of data on a line of its own.
                    out.write('\r');
                    out.write('\n');
                }
            }
        }
        out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
        return written;
    }

    /** Reads one line with its line end into {@code line}; false at end of input with nothing read. */
    private static boolean readLine(InputStream in, ByteArrayOutputStream line) throws IOException {
        line.reset();
        int b;
        while ((b = in.read()) >= 0) {
            line.write(b);
            if (b == '\n') {
                return true;
            }
        }
        return line.size() > 0;
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
