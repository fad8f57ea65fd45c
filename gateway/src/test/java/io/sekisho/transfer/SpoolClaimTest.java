package io.sekisho.transfer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpoolClaimTest {
    @TempDir
    Path tmp;

    @Test
    void removesOnlyWhatTheGatewayNamesAndLocksTheFolderUntilClosed() throws Exception {
        Path dir = tmp.resolve("spool");
        Files.createDirectories(dir.resolve("parts-1").resolve("named"));
        Files.writeString(dir.resolve("parts-1").resolve("named").resolve("a.docx"), "x");
        Files.writeString(dir.resolve("msg-2.eml"), "x");
        Files.writeString(dir.resolve("readme.txt"), "an admin's note");
        Files.createDirectories(dir.resolve("keep-me"));

        try (SpoolClaim claim = SpoolClaim.claim(dir, "smtp.spoolDir", List.of("msg-", "parts-"))) {
            assertThat(claim.removed()).isEqualTo(2);
            try (var left = Files.list(dir)) {
                assertThat(left.map(p -> p.getFileName().toString()))
                        .containsExactlyInAnyOrder("readme.txt", "keep-me", SpoolClaim.LOCK_FILE);
            }
            assertThatThrownBy(() -> SpoolClaim.claim(dir, "http.spoolDir", List.of("body-")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("http.spoolDir: " + dir + " is in use by another running gateway; "
                            + "give each gateway a spool folder of its own");
        }
        try (SpoolClaim again = SpoolClaim.claim(dir, "smtp.spoolDir", List.of("msg-"))) {
            assertThat(again.removed()).isZero();
        }
    }

    @Test
    void makesAMissingFolder() {
        Path dir = tmp.resolve("a").resolve("b");
        try (SpoolClaim claim = SpoolClaim.claim(dir, "smtp.spoolDir", List.of("msg-"))) {
            assertThat(dir.resolve(SpoolClaim.LOCK_FILE)).exists();
        }
    }

    @Test
    void aFolderThatCannotBeMadeIsAnErrorNamingTheKey() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        assertThatThrownBy(() -> SpoolClaim.claim(file.resolve("spool"), "smtp.spoolDir", List.of("msg-")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("smtp.spoolDir: cannot use ");
    }
}
