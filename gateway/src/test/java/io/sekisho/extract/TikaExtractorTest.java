package io.sekisho.extract;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import io.sekisho.testing.Formats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TikaExtractorTest {

    static final String LATIN = "Sekisho confidential: the third quarter margin is 12.5 percent, do not forward.";
    static final String JAPANESE = "社外秘：第三四半期の利益率は十二・五パーセントです。転送しないでください。";

    private static TikaExtractor extractor;

    @TempDir
    Path dir;

    @BeforeAll
    static void startTika() {
        extractor = new TikaExtractor(ExtractionLimits.defaults());
    }

    @AfterAll
    static void stopTika() {
        extractor.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"txt", "html", "docx", "xlsx", "pptx", "odt", "rtf", "pdf", "eml", "eml-docx", "zip",
            "zip-in-zip", "tar.gz", "7z"})
    void extractsLatinTextCompletelyFromEveryFormat(String format) {
        assertExtractsCompletely(Formats.all(LATIN, dir), format, LATIN);
    }

    @ParameterizedTest
    @ValueSource(strings = {"txt", "html", "docx", "xlsx", "pptx", "odt", "rtf", "eml", "eml-docx", "zip",
            "zip-in-zip", "tar.gz", "7z"})
    void extractsJapaneseTextCompletelyFromEveryFormat(String format) {
        assertExtractsCompletely(Formats.all(JAPANESE, dir), format, JAPANESE);
    }

    @Test
    void namesEmbeddedPartsByTheirPathInsideTheFile() {
        ExtractionResult result = extractor.extract(Formats.zipInZip(LATIN, dir));

        assertThat(result.parts()).extracting(ExtractedPart::path)
                .containsExactly("outer.zip", "outer.zip!/inner.zip", "outer.zip!/inner.zip!/inner.txt");
        assertThat(normalise(result.parts().get(2).text())).contains(LATIN);
    }

    @Test
    void findsTextInAPdfAttachment() {
        ExtractionResult result = extractor.extract(Formats.pdfWithAttachment(JAPANESE, dir));

        assertThat(result.status()).as(describe(result)).isEqualTo(ExtractionStatus.COMPLETE);
        assertThat(result.parts()).extracting(ExtractedPart::path).contains("attachment.pdf!/attached.txt");
        assertThat(normalise(allText(result))).contains(JAPANESE);
    }

    @Test
    void findsTextInAWordDocumentAttachedToAMail() {
        ExtractionResult result = extractor.extract(Formats.emlWithDocx(JAPANESE, dir));

        assertThat(result.parts()).extracting(ExtractedPart::path).contains("attachment.eml!/attached.docx");
        assertThat(normalise(result.parts().get(1).text())).contains(JAPANESE);
    }

    @Test
    void reportsAnAesEncryptedZipAsEncrypted() {
        ExtractionResult result = extractor.extract(Formats.encryptedZip(LATIN, dir));

        assertThat(result.status()).as(describe(result)).isEqualTo(ExtractionStatus.ENCRYPTED);
    }

    @Test
    void reportsAnEncryptedZipInsideANormalZipAsEncrypted() {
        ExtractionResult result = extractor.extract(Formats.encryptedZipInZip(LATIN, dir));

        assertThat(result.status()).as(describe(result)).isEqualTo(ExtractionStatus.ENCRYPTED);
        assertThat(result.detail()).contains("encrypted.zip");
    }

    @Test
    void reportsAPasswordProtectedPdfAsEncrypted() {
        ExtractionResult result = extractor.extract(Formats.encryptedPdf(LATIN, dir));

        assertThat(result.status()).as(describe(result)).isEqualTo(ExtractionStatus.ENCRYPTED);
    }

    @Test
    void reportsRandomBinaryAsUnsupported() throws IOException {
        byte[] noise = new byte[4096];
        new Random(42).nextBytes(noise);
        Path file = Files.write(dir.resolve("noise.bin"), noise);

        ExtractionResult result = extractor.extract(file);

        assertThat(result.status()).as(describe(result)).isEqualTo(ExtractionStatus.UNSUPPORTED);
        assertThat(result.detail()).contains("application/octet-stream");
    }

    @Test
    void reportsACorruptPdfAsFailedWithAShortDetail() throws IOException {
        Path file = Files.write(dir.resolve("corrupt.pdf"),
                "%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\ngarbage".getBytes(StandardCharsets.US_ASCII));

        ExtractionResult result = extractor.extract(file);

        assertThat(result.status()).as(describe(result)).isEqualTo(ExtractionStatus.FAILED);
        assertThat(result.detail()).contains("corrupt: ").doesNotContain("\n").doesNotContain("\tat ");
    }

    @Test
    void reportsAMissingFileAsFailedUnreadable() {
        ExtractionResult result = extractor.extract(dir.resolve("missing.txt"));

        assertThat(result.status()).isEqualTo(ExtractionStatus.FAILED);
        assertThat(result.detail()).isEqualTo("unreadable: no such file");
        assertThat(result.parts()).isEmpty();
    }

    @Test
    void reportsAnEmptyFileAsCompleteAndEmpty() throws IOException {
        ExtractionResult result = extractor.extract(Files.createFile(dir.resolve("empty.txt")));

        assertThat(result.status()).isEqualTo(ExtractionStatus.COMPLETE);
        assertThat(result.parts()).singleElement().satisfies(part -> {
            assertThat(part.detail()).isEqualTo("empty");
            assertThat(part.text()).isEmpty();
        });
    }

    @Test
    void stopsABoundedZipBombQuicklyAsTruncated() throws IOException {
        Path bomb = dir.resolve("bomb.zip");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(bomb))) {
            zip.putNextEntry(new ZipEntry("zeros.txt"));
            byte[] zeros = new byte[1 << 20];
            java.util.Arrays.fill(zeros, (byte) '0');
            for (int i = 0; i < 50; i++) {
                zip.write(zeros);
            }
            zip.closeEntry();
        }
        assertThat(Files.size(bomb)).isLessThan(200_000);
        long started = System.nanoTime();

        ExtractionResult result = extractor.extract(bomb);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(result.status()).as(describe(result)).isEqualTo(ExtractionStatus.TRUNCATED);
        assertThat(result.detail()).contains("zip bomb");
    }

    @Test
    void reportsNestingBeyondTheDepthLimitAsTruncated() throws IOException {
        byte[] nested = LATIN.getBytes(StandardCharsets.UTF_8);
        String name = "level0.txt";
        for (int level = 1; level <= 4; level++) {
            nested = Formats.zipBytes(name, nested);
            name = "level" + level + ".zip";
        }
        Path file = Files.write(dir.resolve(name), nested);

        try (TikaExtractor shallow = new TikaExtractor(ExtractionLimits.defaults().withMaxNestingDepth(2))) {
            ExtractionResult result = shallow.extract(file);

            assertThat(result.status()).as(describe(result)).isEqualTo(ExtractionStatus.TRUNCATED);
            assertThat(result.detail()).contains("nested deeper than 2");
        }
    }

    @Test
    void reportsTooManyEmbeddedEntriesAsTruncated() throws IOException {
        Path file = dir.resolve("many.zip");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            for (int i = 0; i < 20; i++) {
                zip.putNextEntry(new ZipEntry("entry" + i + ".txt"));
                zip.write(("entry " + i).getBytes(StandardCharsets.US_ASCII));
                zip.closeEntry();
            }
        }
        try (TikaExtractor limited = new TikaExtractor(ExtractionLimits.defaults().withMaxEmbeddedEntries(5))) {
            ExtractionResult result = limited.extract(file);

            assertThat(result.status()).as(describe(result)).isEqualTo(ExtractionStatus.TRUNCATED);
            assertThat(result.detail()).contains("too many embedded entries");
        }
    }

    @Test
    void reportsTextBeyondTheCharacterLimitAsTruncated() {
        try (TikaExtractor limited = new TikaExtractor(ExtractionLimits.defaults().withMaxCharactersPerFile(10))) {
            ExtractionResult result = limited.extract(Formats.zip(LATIN, dir));

            assertThat(result.status()).as(describe(result)).isEqualTo(ExtractionStatus.TRUNCATED);
            assertThat(result.detail()).contains("character limit");
        }
    }

    @Test
    void reportsAFileLargerThanTheLimitAsTruncatedWithoutParsingIt() {
        try (TikaExtractor limited = new TikaExtractor(ExtractionLimits.defaults().withMaxFileBytes(10))) {
            ExtractionResult result = limited.extract(Formats.txt(LATIN, dir));

            assertThat(result.status()).isEqualTo(ExtractionStatus.TRUNCATED);
            assertThat(result.detail()).contains("too large");
        }
    }

    private static void assertExtractsCompletely(Map<String, Path> files, String format, String text) {
        assertThat(files).containsKey(format);
        ExtractionResult result = extractor.extract(files.get(format));

        assertThat(result.status()).as(describe(result)).isEqualTo(ExtractionStatus.COMPLETE);
        assertThat(normalise(allText(result))).as(describe(result)).contains(normalise(text));
    }

    static String allText(ExtractionResult result) {
        StringBuilder text = new StringBuilder();
        result.parts().forEach(part -> text.append(part.text()).append('\n'));
        return text.toString();
    }

    static String normalise(String text) {
        return text.replaceAll("\\s+", " ").strip();
    }

    static String describe(ExtractionResult result) {
        StringBuilder out = new StringBuilder(result.status() + " " + result.detail());
        for (ExtractedPart part : result.parts()) {
            out.append("\n  ").append(part.path()).append(" [").append(part.mediaType()).append("] ")
                    .append(part.status()).append(' ').append(part.detail()).append(" text=")
                    .append(normalise(part.text()), 0, Math.min(80, normalise(part.text()).length()));
        }
        return out.toString();
    }
}
