package io.sekisho.receive.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.sekisho.transfer.PartContent;

class RelayedMessageTest {

    @TempDir
    Path dir;

    @Test
    void replacesAForgedInspectedHeaderWithItsContinuationAndStuffsDots() throws IOException {
        String message = "X-Sekisho-Inspected: forged; allow\r\n\tcontinued\r\nSubject: hi\r\n"
                + "x-sekisho-inspected : also forged\r\n\r\n.starts with a dot\r\nX-Sekisho-Inspected: in the body\r\n..\r\n";

        String relayed = relay(message);

        assertThat(relayed).isEqualTo("X-Sekisho-Inspected: gw; allow\r\nSubject: hi\r\n\r\n..starts with a dot\r\n"
                + "X-Sekisho-Inspected: in the body\r\n...\r\n.\r\n");
    }

    @Test
    void stuffsEveryDotAtALineStartAcrossBufferBoundaries() throws IOException {
        // Lines of every length around the 64 KiB read buffer, each next one starting with a dot, so
        // that line starts fall on, just before and just after every buffer boundary.
        StringBuilder body = new StringBuilder();
        for (int length = 1; body.length() < 3 * 64 * 1024; length = length % 97 + 1) {
            body.append('.').append("x".repeat(length)).append("\r\n");
        }
        String header = "Subject: dots\r\n" + "X-Long: " + "h".repeat(70_000) + "\r\n\r\n";

        String relayed = relay(header + body);

        assertThat(relayed).isEqualTo("X-Sekisho-Inspected: gw; allow\r\n" + header
                + body.toString().replace("\r\n.", "\r\n..").replaceFirst("^\\.", "..") + ".\r\n");
    }

    @Test
    void endsAMessageWithoutAFinalLineEndOnALineOfItsOwn() throws IOException {
        assertThat(relay("Subject: x\r\n\r\nno line end")).endsWith("\r\n\r\nno line end\r\n.\r\n");
        assertThat(relay("Subject: only a header")).endsWith("\r\nSubject: only a header\r\n.\r\n");
    }

    private String relay(String message) throws IOException {
        Path file = Files.writeString(dir.resolve("message.eml"), message, StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long written = RelayedMessage.writeTo(out, "gw; allow", PartContent.of(file));
        String relayed = out.toString(StandardCharsets.ISO_8859_1);
        assertThat(written).as("bytes written before the end of data")
                .isBetween((long) relayed.length() - 5, (long) relayed.length() - 3);
        return relayed;
    }
}
