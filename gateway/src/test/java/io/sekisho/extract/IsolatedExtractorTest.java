package io.sekisho.extract;

import static io.sekisho.extract.TikaExtractorTest.JAPANESE;
import static io.sekisho.extract.TikaExtractorTest.LATIN;
import static io.sekisho.extract.TikaExtractorTest.allText;
import static io.sekisho.extract.TikaExtractorTest.describe;
import static io.sekisho.extract.TikaExtractorTest.normalise;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.sekisho.extract.hostile.HostileParser;
import io.sekisho.testing.Formats;
import org.apache.tika.Tika;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IsolatedExtractorTest {

    /** Small heap and short wall time keep the hostile cases fast. */
    static final ExtractionLimits LIMITS = ExtractionLimits.defaults()
            .withWorkerHeap("128m").withWallTimeMillis(3_000).withWorkerCount(2);

    private static IsolatedExtractor isolated;

    @TempDir
    Path dir;

    @BeforeAll
    static void startPool() {
        isolated = new IsolatedExtractor(LIMITS);
    }

    @AfterAll
    static void stopPool() {
        isolated.close();
    }

    @Test
    void extractsADocxExactlyAsInProcess() {
        Path docx = Formats.docx(JAPANESE, dir);

        ExtractionResult viaWorker = isolated.extract(docx);

        try (TikaExtractor inProcess = new TikaExtractor(LIMITS)) {
            assertThat(viaWorker).isEqualTo(inProcess.extract(docx));
        }
        assertThat(normalise(allText(viaWorker))).contains(JAPANESE);
    }

    @Test
    void theGatewaysLongLivedWorkersUseBothCompilersAndACommandsOnlyTheQuickOne() throws IOException {
        Path docx = Formats.docx(LATIN, dir);
        try (IsolatedExtractor longLived = new IsolatedExtractor(LIMITS.withWorkerCount(1), WorkerLife.LONG)) {
            ExtractionResult result = longLived.extract(docx);

            assertThat(result).isEqualTo(isolated.extract(docx));
            assertThat(workerArguments(longLived)).contains(ExtractWorker.class.getName()).noneMatch(a -> a.startsWith("-XX:TieredStopAtLevel"));
        }
        assertThat(workerArguments(isolated)).contains(ExtractWorker.class.getName(), "-XX:TieredStopAtLevel=1");
    }

    /**
     * The command lines of the live workers, as Linux reports them (ProcessHandle's arguments are
     * empty for a command line as long as a worker's class path).
     */
    private static List<String> workerArguments(IsolatedExtractor extractor) throws IOException {
        List<String> arguments = new ArrayList<>();
        for (long pid : extractor.workerPids()) {
            byte[] cmdline = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            arguments.addAll(List.of(new String(cmdline, StandardCharsets.UTF_8).split("\0")));
        }
        return arguments;
    }

    @Test
    void reportsAParserThatLoopsForeverAsTimedOutAndTheNextFileExtracts() throws IOException {
        Path hostile = hostile("loop.bin", "SEKISHO-HOSTILE-LOOP");
        // A warm worker, so that the time measured is the file's and not a JVM start-up.
        assertExtractsCompletely(Formats.docx(LATIN, dir), LATIN);
        long started = System.nanoTime();

        ExtractionResult result = isolated.extract(hostile);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(3_000 + 2_000));
        assertThat(result.status()).as(describe(result)).isEqualTo(ExtractionStatus.TIMED_OUT);
        assertThat(result.detail()).isEqualTo("timed out after 3000 ms");
        assertExtractsCompletely(Formats.docx(LATIN, dir), LATIN);
    }

    @Test
    void reportsAParserThatExhaustsMemoryAsFailedAndTheNextFileExtracts() throws IOException {
        Path hostile = hostile("oom.bin", "SEKISHO-HOSTILE-OOM");

        ExtractionResult result = isolated.extract(hostile);

        assertThat(result.status()).as(describe(result)).isEqualTo(ExtractionStatus.FAILED);
        assertThat(result.detail()).isEqualTo("extraction worker died (exit 3)");
        assertExtractsCompletely(Formats.docx(LATIN, dir), LATIN);
    }

    @Test
    void servesTwoConcurrentCallersCorrectly() throws Exception {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Path sub = Files.createDirectories(dir.resolve("caller" + i));
            String text = LATIN + " caller " + i;
            files.add(Formats.txt(text, sub));
            files.add(Formats.docx(text, sub));
            files.add(Formats.zip(text, sub));
            files.add(Formats.eml(text, sub));
        }
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int caller = 0; caller < 2; caller++) {
                List<Path> own = files.subList(caller * 4, caller * 4 + 4);
                String text = LATIN + " caller " + caller;
                done.add(callers.submit(() -> own.forEach(file -> assertExtractsCompletely(file, text))));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            callers.shutdown();
        }
        assertThat(isolated.liveWorkers()).isBetween(1, 2);
    }

    @Test
    void reportsAMissingFileAsFailedWithoutLosingTheWorker() {
        ExtractionResult result = isolated.extract(dir.resolve("missing.docx"));

        assertThat(result.status()).isEqualTo(ExtractionStatus.FAILED);
        assertThat(result.detail()).isEqualTo("unreadable: no such file");
        assertThat(isolated.liveWorkers()).isPositive();
    }

    @Test
    void hostileTestTypesAreDetectedOnlyByTheirMagicAndOrdinaryFilesKeepTheirTypes() throws IOException {
        Tika tika = new Tika();

        assertThat(tika.detect(hostile("loop.bin", "SEKISHO-HOSTILE-LOOP"))).isEqualTo(HostileParser.LOOP.toString());
        assertThat(tika.detect(hostile("oom.bin", "SEKISHO-HOSTILE-OOM"))).isEqualTo(HostileParser.OOM.toString());
        assertThat(tika.detect(Formats.txt(LATIN, dir))).isEqualTo("text/plain");
        assertThat(tika.detect(Formats.docx(LATIN, dir)))
                .isEqualTo("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    }

    private Path hostile(String name, String magic) throws IOException {
        return Files.write(dir.resolve(name), (magic + "\nthis file attacks its parser\n").getBytes(StandardCharsets.US_ASCII));
    }

    private static void assertExtractsCompletely(Path file, String text) {
        ExtractionResult result = isolated.extract(file);

        assertThat(result.status()).as(describe(result)).isEqualTo(ExtractionStatus.COMPLETE);
        assertThat(normalise(allText(result))).as(describe(result)).contains(normalise(text));
    }

    @Test
    void theTextBodyOfAOneMebibyteMailIsDecodedInProcessWithoutAWorker() throws Exception {
        // SMTP lines end in CRLF, so the body of a 1 MiB mail is a little over 1 MiB.
        StringBuilder body = new StringBuilder();
        while (body.length() < 1024 * 1024 + 20_000) {
            body.append("kato mira neso lupe divo anel orus ika\r\n");
        }
        Path file = Files.writeString(dir.resolve("body.txt"), body, StandardCharsets.US_ASCII);
        // Workers that cannot start: only the in-process path can give this answer.
        try (IsolatedExtractor noWorkers = new IsolatedExtractor(ExtractionLimits.defaults().withWorkerHeap("1k"))) {
            ExtractionResult result = noWorkers.extract(file);

            assertThat(result.status()).as(describe(result)).isEqualTo(ExtractionStatus.COMPLETE);
            assertThat(allText(result)).contains("kato mira neso");
        }
    }

    @Test
    void aWorkerThatCannotStartIsReportedAsUnavailableNotAsABadFile() throws Exception {
        Path file = java.nio.file.Files.writeString(java.nio.file.Files.createTempFile("sekisho", ".txt"), "hello");
        // A heap too small for any JVM: the worker process exits at once, whatever the file (and
        // no file is decoded in process, so even this text needs a worker).
        try (IsolatedExtractor broken = new IsolatedExtractor(ExtractionLimits.defaults().withWorkerHeap("1k")
                .withMaxInProcessTextBytes(0))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> broken.extract(file))
                    .isInstanceOf(ExtractionUnavailableException.class)
                    .hasMessageContaining("no extraction worker could be started");
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }
}
