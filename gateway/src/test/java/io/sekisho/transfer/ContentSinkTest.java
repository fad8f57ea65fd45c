package io.sekisho.transfer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContentSinkTest {
    @TempDir
    Path tmp;

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private long filesIn(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void contentUpToTheLimitStaysInMemoryAndMakesNoFile() throws Exception {
        byte[] data = random(10_000);
        ContentSink sink = new ContentSink(10_000, () -> Files.createTempFile(tmp, "spill-", ".bin"));
        sink.write(data, 0, 4_000);
        sink.write(data, 4_000, 6_000);

        PartContent content = sink.finish();

        assertThat(content.inMemory()).isTrue();
        assertThat(content.file()).isNull();
        assertThat(content.size()).isEqualTo(10_000);
        assertThat(content.bytes()).isEqualTo(data);
        try (InputStream in = content.open()) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
        assertThat(filesIn(tmp)).isZero();
    }

    @Test
    void contentPastTheLimitMovesToAFileWithEverythingWrittenBefore() throws Exception {
        byte[] data = random(100_000);
        ContentSink sink = new ContentSink(10_000, () -> Files.createTempFile(tmp, "spill-", ".bin"));
        for (int off = 0; off < data.length; off += 3_000) {
            sink.write(data, off, Math.min(3_000, data.length - off));
            assertThat(sink.spilled()).isEqualTo(off + 3_000 > 10_000);
        }

        PartContent content = sink.finish();

        assertThat(content.inMemory()).isFalse();
        assertThat(content.size()).isEqualTo(data.length);
        assertThat(Files.readAllBytes(content.file())).isEqualTo(data);
        assertThat(content.bytes()).isEqualTo(data);
        sink.discard();
        assertThat(filesIn(tmp)).as("discard deletes the spool file").isZero();
    }

    @Test
    void sinksSharingABudgetGoToTheSpoolWhenItHasNoRoomAndReleaseWhatTheyHeld() throws Exception {
        MemoryBudget budget = new MemoryBudget(10_000);
        ContentSink first = new ContentSink(8_000, budget, () -> Files.createTempFile(tmp, "spill-", ".bin"));
        first.write(random(6_000));
        PartContent a = first.finish();
        assertThat(a.inMemory()).isTrue();
        assertThat(budget.used()).as("the content's size, the rest of its buffer given back").isEqualTo(6_000);

        // Within its own limit, but the budget has 4,000 left: this one goes to a file.
        ContentSink second = new ContentSink(8_000, budget, () -> Files.createTempFile(tmp, "spill-", ".bin"));
        second.write(random(3_000));
        second.write(random(3_000));
        PartContent b = second.finish();
        assertThat(b.inMemory()).isFalse();
        assertThat(Files.readAllBytes(b.file())).hasSize(6_000);
        assertThat(budget.used()).as("a spilled sink holds nothing").isEqualTo(6_000);

        first.release();
        first.release();
        assertThat(budget.used()).as("released once, however often asked").isZero();
        assertThat(a.bytes()).as("still readable after release").isEqualTo(random(6_000));

        ContentSink third = new ContentSink(8_000, budget, () -> Files.createTempFile(tmp, "spill-", ".bin"));
        third.write(random(6_000));
        assertThat(third.finish().inMemory()).isTrue();
        third.discard();
        second.discard();
        assertThat(budget.used()).isZero();
        assertThat(filesIn(tmp)).isZero();
    }

    @Test
    void aWorkFolderGivesItsPartsMemoryBackWhenClosed() throws Exception {
        MemoryBudget budget = new MemoryBudget(1_000_000);
        try (WorkFolder work = new WorkFolder(new SpoolFolders(tmp.resolve("spool"), "parts-", 0), 100_000, budget)) {
            ContentSink sink = work.newSink();
            sink.write(random(50_000));
            work.finish(sink);
            assertThat(budget.used()).isEqualTo(50_000);
        }
        assertThat(budget.used()).isZero();
    }

    @Test
    void aSpoolFileThatCannotBeMadeFailsTheWrite() {
        ContentSink sink = new ContentSink(10, () -> Files.createTempFile(tmp.resolve("missing"), "spill-", ".bin"));
        assertThatThrownBy(() -> sink.write(new byte[11])).isInstanceOf(IOException.class);
    }

    @Test
    void theWorkFolderIsMadeOnlyWhenAPartOutgrowsTheAllowanceTheirPartsShare() throws Exception {
        Path spool = Files.createDirectories(tmp.resolve("spool"));
        try (WorkFolder work = new WorkFolder(spool, "parts-", 1_000)) {
            ContentSink first = work.newSink();
            first.write(random(600));
            PartContent a = work.finish(first);
            assertThat(a.inMemory()).isTrue();
            assertThat(work.made()).isFalse();

            // 600 of 1000 used: 600 more do not fit, although one part alone would.
            ContentSink second = work.newSink();
            second.write(random(600));
            PartContent b = work.finish(second);
            assertThat(b.inMemory()).isFalse();
            assertThat(work.made()).isTrue();
            assertThat(b.file()).startsWith(work.folder());
            assertThat(b.bytes()).isEqualTo(random(600));
        }
        try (Stream<Path> left = Files.list(spool)) {
            assertThat(left).as("closing removes the folder and the spilled part").isEmpty();
        }
    }

    @Test
    void contentBecomesANamedFileOnlyWhenAskedWrittenFromMemoryOrLinkedFromTheSpool() throws Exception {
        byte[] text = "plan".getBytes(StandardCharsets.UTF_8);
        Path folder = Files.createDirectories(tmp.resolve("named"));
        Path written = PartContent.of(text).asFile(folder, "plan.txt");
        assertThat(written).isEqualTo(folder.resolve("plan.txt")).hasBinaryContent(text);

        Path spooled = Files.write(tmp.resolve("spill-1"), text);
        Path linked = PartContent.of(spooled).asFile(folder, "plan.docx");
        assertThat(linked).hasBinaryContent(text);
        assertThat(Files.isSameFile(linked, spooled)).as("a hard link, not a copy").isTrue();
        assertThatThrownBy(() -> PartContent.of(text).asFile(folder, "plan.txt"))
                .isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
    }
}
