package io.sekisho.extract;

import static io.sekisho.extract.TikaExtractorTest.LATIN;
import static io.sekisho.extract.TikaExtractorTest.allText;
import static io.sekisho.extract.TikaExtractorTest.describe;
import static io.sekisho.extract.TikaExtractorTest.normalise;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import io.sekisho.testing.Formats;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers with a class-data sharing archive, on a class path of jars only as a user's
 * {@code sekisho.jar} is: the test runner's class folders are packed into jars first, since the
 * JDK archives classes from jars only.
 */
class WorkerClassArchiveTest {

    private static final ExtractionLimits LIMITS = ExtractionLimits.defaults()
            .withWorkerHeap("256m").withWallTimeMillis(30_000).withWorkerCount(1);

    @TempDir
    static Path jars;

    private static String classPath;

    @TempDir
    Path dir;

    @BeforeAll
    static void jarOnlyClassPath() throws IOException {
        String runnerPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> entries = new ArrayList<>();
        int folders = 0;
        for (String entry : runnerPath.split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (Files.isDirectory(path)) {
                entries.add(jar(path, jars.resolve("classes-" + folders++ + ".jar")).toString());
            } else if (entry.endsWith(".jar") && Files.isRegularFile(path)) {
                entries.add(entry);
            }
        }
        classPath = String.join(File.pathSeparator, entries);
    }

    @Test
    void theFirstWorkerWritesTheArchiveAtItsEndAndTheNextWorkerMapsItsClassesFromIt() throws Exception {
        Path folder = dir.resolve("cache").resolve("cds");
        WorkerClassArchive archive = WorkerClassArchive.in(folder, classPath);
        Path docx = Formats.docx(LATIN, dir);

        assertExtracts(archive, docx);

        assertThat(archive.file()).isRegularFile();
        assertThat(archive.file().getParent()).isEqualTo(folder);
        assertThat(Files.getPosixFilePermissions(folder)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(temporaryFiles(folder)).isEmpty();

        Run second = runWorker(archive.nextWorker(), docx, "-Xlog:class+load=info:stderr");
        assertThat(second.stderr()).containsPattern("org\\.apache\\.tika\\.\\S+ source: shared objects file \\(top\\)");
        assertThat(normalise(allText(second.result()))).contains(LATIN);
        assertThat(second.exitCode()).isZero();
    }

    @Test
    void aCorruptArchiveIsPassedOverAndTheProtocolStaysClean() throws Exception {
        WorkerClassArchive archive = WorkerClassArchive.in(dir.resolve("cds"), classPath);
        byte[] noise = new byte[100_000];
        new Random(7).nextBytes(noise);
        Files.write(archive.file(), noise);
        Path docx = Formats.docx(LATIN, dir);

        Run run = runWorker(archive.nextWorker(), docx);

        assertThat(run.result().status()).as(describe(run.result())).isEqualTo(ExtractionStatus.COMPLETE);
        assertThat(normalise(allText(run.result()))).contains(LATIN);
        assertThat(run.stdoutAfterProtocol()).isZero();
        assertThat(run.exitCode()).isZero();
    }

    @Test
    void anArchiveWrittenForAnotherJarIsRefusedByTheJvmWithoutAWordOnTheProtocolPipe() throws Exception {
        Path docx = Formats.docx(LATIN, dir);
        Path jar = jars.resolve("classes-0.jar");
        WorkerClassArchive before = WorkerClassArchive.in(dir.resolve("cds"), classPath);
        assertExtracts(before, docx);
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 60_000));
        try {
            WorkerClassArchive after = WorkerClassArchive.in(dir.resolve("cds"), classPath);
            assertThat(after.file()).as("a changed jar has its own archive").isNotEqualTo(before.file());
            // Forced onto the changed jar, the old archive makes the JDK warn (on stdout, unless told otherwise).
            Files.copy(before.file(), after.file());

            Run run = runWorker(after.nextWorker(), docx);

            assertThat(run.stderr()).contains("shared archive");
            assertThat(normalise(allText(run.result()))).contains(LATIN);
            assertThat(run.stdoutAfterProtocol()).isZero();
        } finally {
            Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 60_000));
        }
    }

    @Test
    void aTruncatedArchiveThatCrashesTheWorkerIsRemovedAndTheFileStillExtracts() throws Exception {
        Path docx = Formats.docx(LATIN, dir);
        WorkerClassArchive archive = WorkerClassArchive.in(dir.resolve("cds"), classPath);
        assertExtracts(archive, docx);
        long whole = Files.size(archive.file());
        try (var file = java.nio.channels.FileChannel.open(archive.file(), java.nio.file.StandardOpenOption.WRITE)) {
            file.truncate(whole / 3);
        }

        assertExtracts(archive, docx);

        if (Runtime.version().feature() < 19) {
            // JDK 17 crashes on this file (SIGBUS) before the worker is ready, so the file was
            // dropped, and the worker started without it wrote a whole one. Later JDKs pass it over.
            assertThat(Files.size(archive.file())).isGreaterThan(whole / 3);
            Run run = runWorker(archive.nextWorker(), docx, "-Xlog:class+load=info:stderr");
            assertThat(run.stderr()).contains("source: shared objects file (top)");
        }
    }

    @Test
    void aWorkerKilledBeforeItEndsLeavesNoArchiveAndTheNextWorkerWritesIt() throws IOException {
        Path folder = dir.resolve("cds");
        WorkerClassArchive archive = WorkerClassArchive.in(folder, classPath);

        WorkerProcess killed = WorkerProcess.start(LIMITS, WorkerLife.SHORT, 60_000, archive);
        assertThat(killed.extract(Formats.docx(LATIN, dir), 30_000).status()).isEqualTo(ExtractionStatus.COMPLETE);
        killed.kill();

        assertThat(archive.file()).doesNotExist();
        assertThat(temporaryFiles(folder)).isEmpty();
        WorkerClassArchive.Use next = archive.nextWorker();
        assertThat(next.writing()).as("the killed writer no longer holds the archive").isNotNull();
        archive.ended(next, false);
    }

    @Test
    void writingAnArchiveKeepsOnlyTheMostRecentArchivesOfTheFolder() throws IOException {
        Path folder = dir.resolve("cds");
        WorkerClassArchive archive = WorkerClassArchive.in(folder, classPath);
        // Archives of earlier builds or JDKs, written one minute apart; the newest is given the
        // oldest name, so order comes from the times and not from the names.
        List<Path> older = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Path old = folder.resolve("worker-17-old" + (5 - i) + ".jsa");
            Files.write(old, new byte[16]);
            Files.setLastModifiedTime(old, FileTime.from(Instant.now().minusSeconds(3_600 - 60L * i)));
            older.add(old);
        }
        Path unrelated = Files.writeString(folder.resolve("notes.txt"), "not an archive");
        WorkerClassArchive.Use writer = archive.nextWorker();
        Files.write(writer.writing(), new byte[4096]);

        archive.ended(writer, true);

        assertThat(archive.file()).exists();
        // The new archive and the three most recent of the others remain.
        assertThat(older.subList(3, 6)).allMatch(Files::exists);
        assertThat(older.subList(0, 3)).noneMatch(Files::exists);
        assertThat(unrelated).exists();
        assertThat(temporaryFiles(folder)).isEmpty();
    }

    @Test
    void aHalfWrittenTemporaryFileOfAnAbnormalEndIsDeletedAndNeverMovedIntoPlace() throws IOException {
        Path folder = dir.resolve("cds");
        WorkerClassArchive archive = WorkerClassArchive.in(folder, classPath);
        WorkerClassArchive.Use writer = archive.nextWorker();
        Files.write(writer.writing(), new byte[4096]);

        archive.ended(writer, false);

        assertThat(archive.file()).doesNotExist();
        assertThat(temporaryFiles(folder)).isEmpty();
    }

    @Test
    void aFolderThatCannotBeCreatedMeansWorkersWithoutAnArchive() throws IOException {
        Path notAFolder = Files.writeString(dir.resolve("file"), "x");

        WorkerClassArchive archive = WorkerClassArchive.in(notAFolder.resolve("cds"), classPath);

        assertThat(archive.file()).isNull();
        assertThat(archive.nextWorker().options()).isEmpty();
        assertExtracts(archive, Formats.docx(LATIN, dir));
    }

    @Test
    void aFolderOpenToOthersIsClosedBeforeUse() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("cds"));
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwxrwx"));

        WorkerClassArchive archive = WorkerClassArchive.in(folder, classPath);

        assertThat(archive.file()).isNotNull();
        assertThat(Files.getPosixFilePermissions(folder)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void aClassPathWithAFolderHasNoArchive() throws IOException {
        WorkerClassArchive archive = WorkerClassArchive.in(dir.resolve("cds"), dir + File.pathSeparator + classPath);

        assertThat(archive.file()).isNull();
        assertThat(dir.resolve("cds")).doesNotExist();
    }

    @Test
    void theDefaultFolderFollowsXdgCacheHomeThenHome() {
        assertThat(WorkerClassArchive.defaultFolder(java.util.Map.of("XDG_CACHE_HOME", "/c", "HOME", "/h")))
                .isEqualTo(Path.of("/c/sekisho/cds"));
        assertThat(WorkerClassArchive.defaultFolder(java.util.Map.of("XDG_CACHE_HOME", "relative", "HOME", "/h")))
                .isEqualTo(Path.of("/h/.cache/sekisho/cds"));
        assertThat(WorkerClassArchive.defaultFolder(java.util.Map.of())).isNull();
    }

    private static void assertExtracts(WorkerClassArchive archive, Path file) {
        try (IsolatedExtractor extractor = new IsolatedExtractor(LIMITS, archive)) {
            ExtractionResult result = extractor.extract(file);
            assertThat(result.status()).as(describe(result)).isEqualTo(ExtractionStatus.COMPLETE);
            assertThat(normalise(allText(result))).contains(LATIN);
        }
    }

    /** What a worker started exactly as {@link WorkerProcess} starts it wrote, for one file. */
    private record Run(ExtractionResult result, int stdoutAfterProtocol, String stderr, int exitCode) {
    }

    private static Run runWorker(WorkerClassArchive.Use use, Path file, String... moreOptions) throws Exception {
        List<String> command = new ArrayList<>(WorkerProcess.command(LIMITS, WorkerLife.SHORT, classPath, use.options()));
        // After the worker's own -Xlog options, which begin by turning all logging off.
        command.addAll(command.indexOf("-cp"), List.of(moreOptions));
        Process process = new ProcessBuilder(command).start();
        CompletableFuture<byte[]> stderr = CompletableFuture.supplyAsync(() -> {
            try {
                return process.getErrorStream().readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        DataInputStream out = new DataInputStream(new BufferedInputStream(process.getInputStream()));
        ExtractionResult result;
        try (DataOutputStream in = new DataOutputStream(new BufferedOutputStream(process.getOutputStream()))) {
            WorkerProtocol.readReady(out);
            WorkerProtocol.writeRequest(in, file.toString());
            result = WorkerProtocol.readResult(out);
        }
        int extra = out.readAllBytes().length;
        int exit = process.waitFor();
        return new Run(result, extra, new String(stderr.get(), StandardCharsets.UTF_8), exit);
    }

    private static List<Path> temporaryFiles(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    private static Path jar(Path folder, Path jar) throws IOException {
        try (OutputStream file = Files.newOutputStream(jar);
             JarOutputStream out = new JarOutputStream(file);
             Stream<Path> walk = Files.walk(folder)) {
            for (Path path : (Iterable<Path>) walk.sorted()::iterator) {
                if (Files.isRegularFile(path)) {
                    out.putNextEntry(new JarEntry(folder.relativize(path).toString().replace(File.separatorChar, '/')));
                    Files.copy(path, out);
                    out.closeEntry();
                }
            }
        }
        return jar;
    }
}
