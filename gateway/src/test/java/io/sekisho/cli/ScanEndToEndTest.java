package io.sekisho.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.sekisho.fingerprint.FingerprintScheme;
import io.sekisho.fingerprint.NormalizedText;
import io.sekisho.fingerprint.TextNormalizer;
import io.sekisho.testing.Formats;
import io.sekisho.testing.TextGen;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The foundation as a security team uses it: register a generated catalogue with the real
 * command line, then scan generated transfers in every format and wrapper.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScanEndToEndTest {
    private static final int T = FingerprintScheme.DEFAULT.guarantee();
    private static final String NOTICE = "NOTICE: This document contains confidential information of Example "
            + "Advanced Materials Co., Ltd. It is provided solely for the internal use of the named recipients. "
            + "Copying, forwarding or disclosure to any third party, in whole or in part, without the written "
            + "consent of the Information Security Office is prohibited.";

    @TempDir
    static Path tmp;

    private Path catalogue;
    private String latinSecret;
    private String latinTopSecret;
    private String japaneseConfidential;

    @BeforeAll
    void registerCatalogue() throws IOException {
        Random random = new Random(20261126);
        latinSecret = NOTICE + "\n\n" + TextGen.latin(random, 5000);
        latinTopSecret = NOTICE + "\n\n" + TextGen.latin(random, 4000);
        japaneseConfidential = NOTICE + "\n\n" + TextGen.japanese(random, 3000);
        String latinOther = NOTICE + "\n\n" + TextGen.latin(random, 3000);

        Path docs = tmp.resolve("docs");
        write(docs.resolve("secret/alloy-process.txt"), latinSecret);
        write(docs.resolve("secret/other-process.txt"), latinOther);
        write(docs.resolve("top/reactor-design.txt"), latinTopSecret);
        write(docs.resolve("conf/洗浄条件.txt"), japaneseConfidential);
        catalogue = tmp.resolve("catalogue");

        assertThat(Cli.run("catalogue", "add", "--catalogue", catalogue, "--classification", "secret",
                docs.resolve("secret")).exitCode()).isZero();
        assertThat(Cli.run("catalogue", "add", "--catalogue", catalogue, "--classification", "top-secret",
                "--owner", "R&D", docs.resolve("top")).exitCode()).isZero();
        assertThat(Cli.run("catalogue", "add", "--catalogue", catalogue, "--classification", "confidential",
                docs.resolve("conf")).exitCode()).isZero();
    }

    @Test
    void findsAnExcerptOfTheGuaranteedLengthInEveryWrapper() throws IOException {
        Random random = new Random(7);
        String excerpt = excerpt(latinSecret, 2000, T);
        String content = TextGen.latin(random, 1500) + "\n" + excerpt + "\n" + TextGen.latin(random, 1500);
        Map<String, Path> files = Formats.all(content, tmp.resolve("out-latin"));

        Cli scan = Cli.run("scan", "--catalogue", catalogue, "--json", tmp.resolve("out-latin"));

        assertThat(scan.exitCode()).as(scan.err()).isEqualTo(Main.EXIT_FOUND);
        List<JsonNode> lines = json(scan);
        assertThat(lines).hasSize(files.size());
        for (JsonNode line : lines) {
            assertThat(line.get("status").asText()).as(line.toString()).isEqualTo("inspected");
            assertThat(documentIds(line)).as(line.toString()).containsExactly("alloy-process");
            JsonNode match = line.get("matches").get(0);
            assertThat(match.get("classification").asText()).isEqualTo("secret");
            assertThat(match.get("matchedChars").asLong()).as(line.toString()).isGreaterThanOrEqualTo(FingerprintScheme.DEFAULT.k());
            assertThat(match.get("passages")).isNotEmpty();
        }
    }

    @Test
    void findsAJapaneseExcerptInEveryWrapper() throws IOException {
        Random random = new Random(8);
        String excerpt = excerpt(japaneseConfidential, 1200, T);
        String content = TextGen.japanese(random, 800) + excerpt + TextGen.japanese(random, 800);
        // Formats.all leaves PDF out when no installed font can show the text; PDFs are covered above.
        Map<String, Path> files = Formats.all(content, tmp.resolve("out-ja"));

        Cli scan = Cli.run("scan", "--catalogue", catalogue, "--json", tmp.resolve("out-ja"));

        List<JsonNode> lines = json(scan);
        assertThat(lines).hasSize(files.size());
        for (JsonNode line : lines) {
            assertThat(documentIds(line)).as(line.toString()).containsExactly("洗浄条件");
        }
    }

    @Test
    void findsAnExcerptThatWasRewrappedUpperCasedAndWidened() throws IOException {
        String excerpt = excerpt(latinTopSecret, 1000, T + 30);
        String disguised = toFullWidth(excerpt.toUpperCase(java.util.Locale.ROOT)).replace(" ", "\n  ");
        Path file = write(tmp.resolve("disguised/note.txt"), "see below\n" + disguised + "\nthanks");

        Cli scan = Cli.run("scan", "--catalogue", catalogue, "--json", file);

        assertThat(documentIds(json(scan).get(0))).containsExactly("reactor-design");
    }

    @Test
    void passagesPointAtTheExcerptInTheScannedText() throws IOException {
        String excerpt = excerpt(latinSecret, 3000, 300);
        String prefix = TextGen.latin(new Random(3), 1000) + "\n";
        Path file = write(tmp.resolve("offsets/mail.txt"), prefix + excerpt + "\n" + TextGen.latin(new Random(4), 500));

        JsonNode passage = json(Cli.run("scan", "--catalogue", catalogue, "--json", file)).get(0)
                .get("matches").get(0).get("passages").get(0);

        int start = passage.get("start").asInt();
        int end = passage.get("end").asInt();
        assertThat(start).isGreaterThanOrEqualTo(prefix.length() - 1);
        assertThat(end).isLessThanOrEqualTo(prefix.length() + excerpt.length() + 1);
        assertThat(end - start).isGreaterThanOrEqualTo(T);
    }

    @Test
    void unrelatedTextMatchesNothingInAnyWrapper() throws IOException {
        Formats.all(TextGen.latin(new Random(11), 4000), tmp.resolve("clean"));
        write(tmp.resolve("clean/日本語.txt"), TextGen.japanese(new Random(12), 2000));

        Cli scan = Cli.run("scan", "--catalogue", catalogue, "--json", tmp.resolve("clean"));

        assertThat(scan.exitCode()).as(scan.out()).isEqualTo(Main.EXIT_OK);
        for (JsonNode line : json(scan)) {
            assertThat(line.get("matches")).as(line.toString()).isEmpty();
            assertThat(line.get("status").asText()).as(line.toString()).isEqualTo("inspected");
        }
    }

    @Test
    void theSharedConfidentialityNoticeAloneMatchesNothing() throws IOException {
        Formats.all(TextGen.latin(new Random(13), 1500) + "\n" + NOTICE + "\n" + TextGen.latin(new Random(14), 500),
                tmp.resolve("notice"));

        Cli scan = Cli.run("scan", "--catalogue", catalogue, "--json", tmp.resolve("notice"));

        assertThat(scan.exitCode()).as(scan.out()).isEqualTo(Main.EXIT_OK);
        json(scan).forEach(line -> assertThat(line.get("matches")).as(line.toString()).isEmpty());
    }

    @Test
    void badFilesGetTheirOwnLineWithAReasonAndTheScanGoesOn() throws IOException {
        Path dir = tmp.resolve("bad");
        write(dir.resolve("a-empty.txt"), "");
        byte[] binary = new byte[4096];
        new Random(5).nextBytes(binary);
        Files.write(dir.resolve("b-random.bin"), binary);
        write(dir.resolve("c-corrupt.pdf"), "%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\ngarbage");
        write(dir.resolve("d-leak.txt"), excerpt(latinSecret, 500, 400));
        Path encrypted = Formats.encryptedZip(excerpt(latinSecret, 100, 400), dir);

        Cli scan = Cli.run("scan", "--catalogue", catalogue, "--json", dir, dir.resolve("f-missing.txt"));

        assertThat(scan.exitCode()).isEqualTo(Main.EXIT_FOUND);
        assertThat(scan.err()).doesNotContain("Exception");
        List<JsonNode> lines = json(scan);
        assertThat(lines).extracting(l -> l.get("file").asText()).containsExactly(
                dir.resolve("a-empty.txt").toString(), dir.resolve("b-random.bin").toString(),
                dir.resolve("c-corrupt.pdf").toString(), dir.resolve("d-leak.txt").toString(),
                encrypted.toString(), dir.resolve("f-missing.txt").toString());
        assertThat(lines).extracting(l -> l.get("status").asText() + "/" + l.get("reason").asText())
                .containsExactly("inspected/null", "uninspectable/unsupported", "uninspectable/failed",
                        "inspected/null", "uninspectable/encrypted", "uninspectable/failed");
        assertThat(documentIds(lines.get(3))).containsExactly("alloy-process");
    }

    @Test
    void textOutputIsReadable() throws IOException {
        Path file = write(tmp.resolve("text/leak.txt"), excerpt(latinTopSecret, 100, 300));

        Cli scan = Cli.run("scan", "--catalogue", catalogue, file);

        assertThat(scan.out()).contains(file + ": inspected, 1 match").contains("reactor-design [top-secret]");
    }

    @Test
    void aMissingCatalogueIsAClearErrorWithExitCode2() {
        Cli scan = Cli.run("scan", "--catalogue", tmp.resolve("nowhere"), tmp);

        assertThat(scan.exitCode()).isEqualTo(Main.EXIT_ERROR);
        assertThat(scan.err()).startsWith("sekisho: ").contains("nowhere").doesNotContain("\tat ");
    }

    @Test
    void aUsageErrorHasExitCode2() {
        assertThat(Cli.run("scan", "--catalogue").exitCode()).isEqualTo(Main.EXIT_ERROR);
        assertThat(Cli.run("scan", "--no-such-option").exitCode()).isEqualTo(Main.EXIT_ERROR);
    }

    /** An excerpt of the original text that covers exactly {@code normalisedLength} normalised characters. */
    static String excerpt(String text, int fromNormalised, int normalisedLength) {
        NormalizedText n = TextNormalizer.normalize(text);
        assertThat(n.length()).isGreaterThanOrEqualTo(fromNormalised + normalisedLength);
        return text.substring(n.sourceStart(fromNormalised), n.sourceEnd(fromNormalised + normalisedLength - 1));
    }

    private static String toFullWidth(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(c >= '!' && c <= '~' ? (char) (c - '!' + '！') : c);
        }
        return sb.toString();
    }

    private static List<String> documentIds(JsonNode line) {
        List<String> ids = new ArrayList<>();
        line.get("matches").forEach(m -> ids.add(m.get("documentId").asText()));
        return ids;
    }

    private static List<JsonNode> json(Cli scan) throws IOException {
        return scan.json();
    }

    private static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
