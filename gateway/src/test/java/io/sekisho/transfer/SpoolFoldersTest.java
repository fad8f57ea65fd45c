package io.sekisho.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolFoldersTest {
    @TempDir
    Path tmp;

    @Test
    void aFolderGivenBackIsEmptiedAndServesTheNextTransferWithNothingOfTheLastOne() throws IOException {
        Path spool = tmp.resolve("spool");
        try (SpoolFolders folders = new SpoolFolders(spool, "parts-", 4)) {
            Path first;
            try (WorkFolder work = new WorkFolder(folders, 0)) {
                first = work.folder();
                assertThat(first.getFileName().toString()).startsWith("parts-");
                assertThat(work.named()).isDirectory().isEmptyDirectory();
                Files.writeString(work.named().resolve("plan.docx"), "secret");
                Files.createDirectory(first.resolve("named-3"));
                Files.writeString(first.resolve("named-3").resolve("plan.docx"), "secret too");
                ContentSink sink = work.newSink();
                sink.write("spilled".getBytes(StandardCharsets.US_ASCII));
                work.finish(sink);
            }
            assertThat(folders.kept()).isEqualTo(1);
            assertThat(tree(first)).containsExactly(first.resolve(SpoolFolders.NAMED));

            try (WorkFolder next = new WorkFolder(folders, 0)) {
                assertThat(next.folder()).as("the same folder, made no second time").isEqualTo(first);
                assertThat(next.named()).isEmptyDirectory();
                // The same names as the last transfer's are free again.
                Files.writeString(next.named().resolve("plan.docx"), "another");
                assertThat(folders.kept()).isZero();
            }
        }
        assertThat(tree(spool)).as("closing removes the kept folders").isEmpty();
    }

    @Test
    void atMostTheBoundIsKeptAndTheRestAreRemoved() throws IOException {
        Path spool = tmp.resolve("spool");
        try (SpoolFolders folders = new SpoolFolders(spool, "inspect-", 2)) {
            List<WorkFolder> open = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                WorkFolder work = new WorkFolder(folders, 0);
                Files.writeString(work.named().resolve("part-" + i), "x");
                open.add(work);
            }
            assertThat(Files.list(spool).count()).isEqualTo(5);
            open.forEach(WorkFolder::close);

            assertThat(folders.kept()).isEqualTo(2);
            try (Stream<Path> left = Files.list(spool)) {
                assertThat(left).hasSize(2);
            }
        }
    }

    @Test
    void withoutKeepingEachFolderIsRemovedWhenTheTransferEnds() throws IOException {
        Path spool = tmp.resolve("spool");
        try (WorkFolder work = new WorkFolder(spool, "parts-", 0)) {
            Files.writeString(work.named().resolve("a.txt"), "x");
        }
        assertThat(tree(spool)).isEmpty();
    }

    @Test
    void aFolderThatCannotBeEmptiedIsNotKept() throws IOException {
        Path spool = tmp.resolve("spool");
        try (SpoolFolders folders = new SpoolFolders(spool, "parts-", 4)) {
            Path folder;
            try (WorkFolder work = new WorkFolder(folders, 0)) {
                folder = work.folder();
                // The named folder gone (removed by hand, say): the folder is not what a transfer expects.
                Files.delete(work.named());
            }
            assertThat(folders.kept()).isZero();
            assertThat(folder).doesNotExist();
            try (WorkFolder next = new WorkFolder(folders, 0)) {
                assertThat(next.named()).isEmptyDirectory();
            }
        }
    }

    @Test
    void aKeptFolderRemovedWhileIdleIsPassedOver() throws IOException {
        Path spool = tmp.resolve("spool");
        try (SpoolFolders folders = new SpoolFolders(spool, "parts-", 4)) {
            Path first;
            try (WorkFolder work = new WorkFolder(folders, 0)) {
                first = work.folder();
            }
            // A cleaner of old temporary files takes the idle folder away.
            Files.delete(first.resolve(SpoolFolders.NAMED));
            Files.delete(first);
            try (WorkFolder next = new WorkFolder(folders, 0)) {
                assertThat(next.folder()).isNotEqualTo(first);
                assertThat(next.named()).isEmptyDirectory();
            }
        }
    }

    @Test
    void aFolderGivenBackAfterCloseIsRemoved() throws IOException {
        Path spool = tmp.resolve("spool");
        SpoolFolders folders = new SpoolFolders(spool, "parts-", 4);
        WorkFolder work = new WorkFolder(folders, 0);
        Path folder = work.folder();
        folders.close();
        work.close();
        assertThat(folder).doesNotExist();
        assertThat(folders.kept()).isZero();
    }

    /** Everything under {@code dir}, not {@code dir} itself. */
    private static List<Path> tree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.equals(dir)).toList();
        }
    }
}
