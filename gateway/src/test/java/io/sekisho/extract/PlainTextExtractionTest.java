package io.sekisho.extract;

import static io.sekisho.extract.TikaExtractorTest.JAPANESE;
import static io.sekisho.extract.TikaExtractorTest.LATIN;
import static io.sekisho.extract.TikaExtractorTest.allText;
import static io.sekisho.extract.TikaExtractorTest.describe;
import static io.sekisho.extract.TikaExtractorTest.normalise;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import io.sekisho.testing.Formats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which files the extractor decodes in its own process and which still go to a worker.
 *
 * <p>The proof of the route: {@link #noWorkers} cannot start a worker (its heap is too small for
 * any JVM), so a file it extracts was decoded in process, and a file it throws for needed a worker.
 */
class PlainTextExtractionTest {

    private static IsolatedExtractor noWorkers;
    private static IsolatedExtractor withWorkers;

    @TempDir
    Path dir;

    @BeforeAll
    static void extractors() {
        noWorkers = new IsolatedExtractor(ExtractionLimits.defaults().withWorkerHeap("1k"));
        withWorkers = new IsolatedExtractor(IsolatedExtractorTest.LIMITS);
    }

    @AfterAll
    static void close() {
        noWorkers.close();
        withWorkers.close();
    }

    @Test
    void plainTextWithASecretExcerptIsDecodedInProcess() throws IOException {
        Path body = write("body-1.txt", (LATIN + "\r\n" + JAPANESE + "\r\n").getBytes(StandardCharsets.UTF_8));

        ExtractionResult result = noWorkers.extract(body, "text/plain; charset=utf-8");

        assertThat(result.status()).as(describe(result)).isEqualTo(ExtractionStatus.COMPLETE);
        assertThat(result.parts()).singleElement().satisfies(part -> {
            assertThat(part.path()).isEqualTo("body-1.txt");
            assertThat(part.mediaType()).isEqualTo("text/plain; charset=UTF-8");
            assertThat(part.size()).isEqualTo(Files.size(body));
            assertThat(part.text()).isEqualTo(LATIN + "\r\n" + JAPANESE + "\r\n");
        });
    }

    @Test
    void aZipLabelledTextPlainGoesToAWorkerWhichFindsTheSecretInside() throws IOException {
        Path zip = Files.move(Formats.zip(LATIN, dir), dir.resolve("body-1.txt"));

        assertThatThrownBy(() -> noWorkers.extract(zip, "text/plain; charset=us-ascii"))
                .isInstanceOf(ExtractionUnavailableException.class);
        ExtractionResult result = withWorkers.extract(zip, "text/plain; charset=us-ascii");
        assertThat(result.status()).as(describe(result)).isEqualTo(ExtractionStatus.COMPLETE);
        assertThat(result.parts()).anySatisfy(part -> {
            assertThat(part.path()).isEqualTo("body-1.txt!/inner.txt");
            assertThat(normalise(part.text())).contains(LATIN);
        });
    }

    @Test
    void gatewayTextIsDecodedWithoutDetectionWhateverFormatItResembles() throws IOException {
        // A subject line that Tika's magic takes for HTML: only the gateway's own flag lets it skip
        // the worker, and the text the reader sees, tags included, is what gets matched.
        String subject = "<html><body>" + LATIN + "</body></html>";
        Path file = write("subject.txt", subject.getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> noWorkers.extract(file, "text/plain; charset=utf-8"))
                .isInstanceOf(ExtractionUnavailableException.class);
        assertThatThrownBy(() -> noWorkers.extract(file, "text/plain; charset=utf-8", false))
                .isInstanceOf(ExtractionUnavailableException.class);
        ExtractionResult result = noWorkers.extract(file, "text/plain; charset=utf-8", true);
        assertThat(result.status()).as(describe(result)).isEqualTo(ExtractionStatus.COMPLETE);
        assertThat(result.parts()).singleElement().satisfies(part -> {
            assertThat(part.mediaType()).isEqualTo("text/plain; charset=UTF-8");
            assertThat(part.text()).isEqualTo(subject);
        });
    }

    @Test
    void gatewayTextThatIsNotUtf8StillGoesToAWorker() throws IOException {
        // The flag skips detection, not the proof: bytes that are not strict UTF-8 (here Latin-1,
        // or a zip's binary headers) are not what the gateway writes, so a worker looks at them.
        Path latin1 = write("subject.txt", ("Café " + LATIN).getBytes(StandardCharsets.ISO_8859_1));
        Path zip = Files.move(Formats.zip(LATIN, dir), dir.resolve("zip-subject.txt"));

        assertThatThrownBy(() -> noWorkers.extract(latin1, "text/plain; charset=utf-8", true))
                .isInstanceOf(ExtractionUnavailableException.class);
        assertThatThrownBy(() -> noWorkers.extract(zip, "text/plain; charset=utf-8", true))
                .isInstanceOf(ExtractionUnavailableException.class);
    }

    static Stream<Arguments> notPlainText() {
        return Stream.<BiFunction<String, Path, Path>>of(Formats::docx, Formats::pdf, Formats::html, Formats::eml,
                        Formats::rtf, Formats::sevenZ)
                .map(format -> Arguments.of(format));
    }

    @ParameterizedTest
    @MethodSource("notPlainText")
    void otherFormatsLabelledTextPlainNeedAWorker(BiFunction<String, Path, Path> format) throws IOException {
        Path file = format.apply(LATIN, dir);
        Path labelled = Files.move(file, dir.resolve("notes.txt"));

        assertThatThrownBy(() -> noWorkers.extract(labelled, "text/plain; charset=utf-8"))
                .as(file.getFileName().toString()).isInstanceOf(ExtractionUnavailableException.class);
    }

    @Test
    void textBeyondTheCharacterLimitIsTruncatedWithTheSameStatusAsInAWorker() throws IOException {
        ExtractionLimits limits = ExtractionLimits.defaults().withWorkerHeap("1k").withMaxCharactersPerFile(25);
        Path text = write("long.txt", "abcdefghij".repeat(10).getBytes(StandardCharsets.US_ASCII));

        ExtractionResult inProcess;
        try (IsolatedExtractor extractor = new IsolatedExtractor(limits)) {
            inProcess = extractor.extract(text);
        }
        ExtractionResult parsed;
        try (TikaExtractor tika = new TikaExtractor(limits)) {
            parsed = tika.extract(text);
        }

        assertThat(inProcess.status()).isEqualTo(ExtractionStatus.TRUNCATED).isEqualTo(parsed.status());
        assertThat(inProcess.detail()).isEqualTo("long.txt: character limit reached (25)").isEqualTo(parsed.detail());
        assertThat(inProcess.parts()).singleElement().satisfies(part -> {
            assertThat(part.status()).isEqualTo(parsed.parts().get(0).status());
            assertThat(part.detail()).isEqualTo(parsed.parts().get(0).detail());
            assertThat(part.text()).isEqualTo("abcdefghijabcdefghijabcde");
        });
    }

    @Test
    void textLargerThanTheInProcessLimitGoesToAWorker() throws IOException {
        byte[] text = (LATIN + "\n").repeat(200).getBytes(StandardCharsets.US_ASCII);
        Path file = write("big.txt", text);

        try (IsolatedExtractor small = new IsolatedExtractor(ExtractionLimits.defaults().withWorkerHeap("1k")
                .withMaxInProcessTextBytes(text.length - 1))) {
            assertThatThrownBy(() -> small.extract(file)).isInstanceOf(ExtractionUnavailableException.class);
        }
        try (IsolatedExtractor exact = new IsolatedExtractor(ExtractionLimits.defaults().withWorkerHeap("1k")
                .withMaxInProcessTextBytes(text.length))) {
            assertThat(exact.extract(file).status()).isEqualTo(ExtractionStatus.COMPLETE);
        }
    }

    @ParameterizedTest
    @MethodSource("japaneseMailCharsets")
    void japaneseMailBodiesDecodeInTheirDeclaredCharset(String charset) throws IOException {
        String body = JAPANESE + "\r\n" + LATIN + "\r\n";
        Path file = write("body-1.txt", body.getBytes(Charset.forName(charset)));

        ExtractionResult result = noWorkers.extract(file, "text/plain; charset=" + charset.toLowerCase(java.util.Locale.ROOT));

        assertThat(result.status()).as(describe(result)).isEqualTo(ExtractionStatus.COMPLETE);
        assertThat(result.parts()).singleElement().satisfies(part -> {
            assertThat(part.text()).isEqualTo(body);
            assertThat(part.mediaType()).isEqualToIgnoringCase("text/plain; charset=" + charset);
        });
    }

    static Stream<String> japaneseMailCharsets() {
        return Stream.of("ISO-2022-JP", "Shift_JIS", "EUC-JP");
    }

    @Test
    void aCharsetTheBytesCannotProveIsLeftToTheWorkersDetection() throws IOException {
        Path sjis = write("body-1.txt", JAPANESE.getBytes(Charset.forName("Shift_JIS")));
        Path jis = write("body-2.txt", JAPANESE.getBytes(Charset.forName("ISO-2022-JP")));

        // Any byte decodes as ISO-8859-1, so the label proves nothing; no label at all neither.
        assertThatThrownBy(() -> noWorkers.extract(sjis, "text/plain; charset=iso-8859-1"))
                .isInstanceOf(ExtractionUnavailableException.class);
        assertThatThrownBy(() -> noWorkers.extract(sjis)).isInstanceOf(ExtractionUnavailableException.class);
        // Seven-bit escapes under a label that is not ISO-2022-JP: not the sender's text as labelled.
        assertThatThrownBy(() -> noWorkers.extract(jis, "text/plain; charset=us-ascii"))
                .isInstanceOf(ExtractionUnavailableException.class);
        // Shift_JIS bytes labelled EUC-JP do not decode as EUC-JP.
        assertThatThrownBy(() -> noWorkers.extract(sjis, "text/plain; charset=euc-jp"))
                .isInstanceOf(ExtractionUnavailableException.class);
        ExtractionResult detected = withWorkers.extract(sjis, "text/plain; charset=iso-8859-1");
        assertThat(detected.status()).as(describe(detected)).isEqualTo(ExtractionStatus.COMPLETE);
    }

    @Test
    void asciiIsDecodedInProcessButOneByteOfAnotherCharsetSendsTheTextToAWorker() throws IOException {
        String ascii = LATIN + "\r\n\tcontrol \u0007 and DEL \u007f stay\r\n";
        byte[] latin1 = (LATIN + " caf\u00e9\r\n").getBytes(StandardCharsets.ISO_8859_1);
        Path plain = write("plain.txt", ascii.getBytes(StandardCharsets.US_ASCII));
        Path notUtf8 = write("latin1.txt", latin1);

        assertThat(allText(noWorkers.extract(plain))).isEqualTo(ascii + "\n");
        // 0xE9 alone is no UTF-8: decoding it would need detection, which is a worker's job.
        assertThatThrownBy(() -> noWorkers.extract(notUtf8)).isInstanceOf(ExtractionUnavailableException.class);
        assertThat(allText(withWorkers.extract(notUtf8))).contains("caf\u00e9");
    }

    @Test
    void aByteOrderMarkNamesTheCharset() throws IOException {
        Path utf16 = write("notes.txt", ("\uFEFF" + JAPANESE).getBytes(StandardCharsets.UTF_16LE));
        Path utf8 = write("notes8.txt", ("\uFEFF" + JAPANESE).getBytes(StandardCharsets.UTF_8));

        assertThat(allText(noWorkers.extract(utf16))).isEqualTo(JAPANESE + "\n");
        assertThat(allText(noWorkers.extract(utf8))).isEqualTo(JAPANESE + "\n");
    }

    @Test
    void anEmptyFileIsCompleteAsInAWorker() throws IOException {
        Path empty = write("subject.txt", new byte[0]);

        try (TikaExtractor tika = new TikaExtractor()) {
            assertThat(noWorkers.extract(empty, "text/plain; charset=utf-8")).isEqualTo(tika.extract(empty));
        }
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }
}
