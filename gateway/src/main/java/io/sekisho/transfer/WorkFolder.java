package io.sekisho.transfer;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * One transfer's working space while it is taken apart and inspected: parts kept in memory within
 * a budget, and a folder in the spool made only when something needs it (a part that outgrew the
 * budget, a part an extraction worker reads by path). {@link #close} removes the folder and all in
 * it. A small mail or upload of plain text never makes the folder (docs/adr/0013).
 *
 * <p>The budget counts the parts of one transfer together, so a message of ten thousand small
 * parts holds no more in memory than one part at the limit. For one thread at a time.
 */
public final class WorkFolder implements AutoCloseable {
    private final Path parent;
    private final String prefix;
    private long memoryLeft;
    private Path folder;
    private int spilled;

    /**
     * @param parent      the spool folder the work folder is made in
     * @param prefix      the start of the work folder's name
     * @param memoryBytes what the parts made with {@link #newSink} may hold in memory together
     */
    public WorkFolder(Path parent, String prefix, long memoryBytes) {
        this.parent = Objects.requireNonNull(parent, "parent");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.memoryLeft = Math.max(0, memoryBytes);
    }

    /** The folder, made on the first call. */
    public Path folder() throws IOException {
        if (folder == null) {
            Files.createDirectories(parent);
            folder = Files.createTempDirectory(parent, prefix);
        }
        return folder;
    }

    /** True once the folder was made. */
    public boolean made() {
        return folder != null;
    }

    /**
     * A sink for one part: in memory within what is left of the budget, else in a file in the
     * folder. Write it and {@link #finish} it before the next one.
     */
    public ContentSink newSink() {
        return new ContentSink(memoryLeft, () -> folder().resolve("spill-" + (++spilled)));
    }

    /** Takes a finished part out of the budget. */
    public PartContent finish(ContentSink sink) throws IOException {
        PartContent content = sink.finish();
        if (content.inMemory()) {
            memoryLeft -= content.size();
        }
        return content;
    }

    /** Deletes the folder and everything in it, if it was made. */
    @Override
    public void close() {
        if (folder == null) {
            return;
        }
        try {
            Files.walkFileTree(folder, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException ignored) {
            // The spool folder is private; a leftover is found by its name pattern.
        }
    }
}
