package io.sekisho.transfer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PartContentTest {
    @TempDir
    Path tmp;

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void theDigestOfContentInMemoryOrInAFileIsTheSha256OfItsBytes() throws Exception {
        byte[] data = new byte[200_000];
        new Random(7).nextBytes(data);
        Path file = Files.write(tmp.resolve("part.bin"), data);

        assertThat(PartContent.of(data).sha256()).isEqualTo(sha256(data));
        assertThat(PartContent.spooled(file, data.length).sha256()).isEqualTo(sha256(data));
        assertThat(PartContent.of(new byte[0]).sha256())
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void aPartGivenNoDigestTakesItsContentsAndAGivenOneStands() throws Exception {
        byte[] data = "a part".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        TransferPart lazy = new TransferPart("p.txt", "text/plain", data.length, null, PartContent.of(data));
        TransferPart given = new TransferPart("p.txt", "text/plain", data.length, "00ff", PartContent.of(data));

        assertThat(lazy.sha256()).isEqualTo(sha256(data));
        assertThat(given.sha256()).isEqualTo("00ff");
    }

    @Test
    void aSpoolFileGoneBeforeItIsHashedIsAClearError() throws Exception {
        Path file = Files.write(tmp.resolve("gone.bin"), new byte[] {1, 2, 3});
        PartContent content = PartContent.spooled(file, 3);
        Files.delete(file);

        assertThatThrownBy(content::sha256).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("gone.bin");
    }
}
