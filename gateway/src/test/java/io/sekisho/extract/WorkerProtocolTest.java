package io.sekisho.extract;

import static io.sekisho.extract.TikaExtractorTest.JAPANESE;
import static io.sekisho.extract.TikaExtractorTest.LATIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class WorkerProtocolTest {

    @Test
    void aResultWithManyPartsCrossesUnchanged() throws IOException {
        ExtractionResult result = ExtractionResult.of(List.of(
                new ExtractedPart("mail.eml", "message/rfc822", 4096, ExtractionStatus.COMPLETE, null, LATIN),
                new ExtractedPart("mail.eml!/見積.zip", "application/zip", -1, ExtractionStatus.TRUNCATED,
                        "character limit reached (20000000)", ""),
                new ExtractedPart("mail.eml!/見積.zip!/a.txt", "text/plain; charset=UTF-8", 0,
                        ExtractionStatus.FAILED, "unreadable: no such file", JAPANESE + " \uD83D\uDE00 \u0000 end")));

        assertThat(roundTrip(result)).isEqualTo(result);
    }

    @Test
    void aFailureWithoutPartsCrossesUnchanged() throws IOException {
        ExtractionResult result = ExtractionResult.failure(ExtractionStatus.FAILED, "unreadable: permission denied");

        assertThat(roundTrip(result)).isEqualTo(result);
    }

    @Test
    void aTextOfMillionsOfCharactersCrossesUnchanged() throws IOException {
        String text = (LATIN + "\n" + JAPANESE + "\n").repeat(100_000);
        ExtractionResult result = ExtractionResult.of(List.of(
                new ExtractedPart("big.txt", "text/plain", text.length(), ExtractionStatus.COMPLETE, null, text)));

        assertThat(roundTrip(result).parts().get(0).text()).isEqualTo(text);
    }

    @Test
    void aFrameCutShortIsAnErrorNotAResult() throws IOException {
        byte[] frame = written(ExtractionResult.failure(ExtractionStatus.FAILED, "detail"));
        byte[] cut = Arrays.copyOf(frame, frame.length - 3);

        assertThatThrownBy(() -> read(cut)).isInstanceOf(EOFException.class);
    }

    @Test
    void aStringLongerThanItsFrameIsRejected() throws IOException {
        byte[] frame = written(ExtractionResult.failure(ExtractionStatus.FAILED, "detail"));
        // The first string (the status) claims more bytes than the frame holds.
        ByteBuffer.wrap(frame).putInt(Integer.BYTES, 1_000);

        assertThatThrownBy(() -> read(frame)).isInstanceOf(IOException.class).hasMessageContaining("bad result frame");
    }

    @Test
    void anUnknownStatusIsRejected() throws IOException {
        byte[] frame = written(ExtractionResult.failure(ExtractionStatus.FAILED, "detail"));
        // "FAILED" becomes "FAILEX": no such status.
        frame[Integer.BYTES * 2 + 5] = 'X';

        assertThatThrownBy(() -> read(frame)).isInstanceOf(IOException.class).hasMessageContaining("bad result frame");
    }

    @Test
    void bytesAfterTheLastPartAreRejected() throws IOException {
        byte[] frame = written(ExtractionResult.failure(ExtractionStatus.FAILED, null));
        byte[] longer = Arrays.copyOf(frame, frame.length + 2);
        ByteBuffer.wrap(longer).putInt(0, frame.length - Integer.BYTES + 2);

        assertThatThrownBy(() -> read(longer)).isInstanceOf(IOException.class).hasMessageContaining("after the last part");
    }

    @Test
    void aPathRequestAndTheEndOfRequestsAreRead() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        WorkerProtocol.writeRequest(new DataOutputStream(bytes), "/spool/見積 1.docx");
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));

        assertThat(WorkerProtocol.readRequest(in)).isEqualTo("/spool/見積 1.docx");
        assertThat(WorkerProtocol.readRequest(in)).isNull();
    }

    private static ExtractionResult roundTrip(ExtractionResult result) throws IOException {
        return read(written(result));
    }

    private static byte[] written(ExtractionResult result) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        WorkerProtocol.writeResult(new DataOutputStream(bytes), result);
        return bytes.toByteArray();
    }

    private static ExtractionResult read(byte[] frame) throws IOException {
        return WorkerProtocol.readResult(new DataInputStream(new ByteArrayInputStream(frame)));
    }
}
