package io.sekisho.transfer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One transfer's working space while it is taken apart and inspected: parts kept in memory within
 * a budget, and a folder in the spool made only when something needs it (a part that outgrew the
 * budget, a part an extraction worker reads by path). {@link #close} empties the folder and gives it
 * back to its {@link SpoolFolders}. A small mail or upload of plain text never takes a folder
 * (docs/adr/0013).
 *
 * <p>The budget counts the parts of one transfer together, so a message of ten thousand small
 * parts holds no more in memory than one part at the limit. For one thread at a time.
 */
public final class WorkFolder implements AutoCloseable {
    private final SpoolFolders folders;
    private final MemoryBudget memory;
    /** The sinks made here: their memory goes back to the budget when the transfer is done. */
    private final List<ContentSink> sinks = new ArrayList<>();
    private long memoryLeft;
    private Path folder;
    private int spilled;

    /**
     * A work folder of its own, removed when closed (for tools and tests; the gateway's come from
     * {@link SpoolFolders}, which keeps them for the next transfer).
     *
     * @param parent      the spool folder the work folder is made in
     * @param prefix      the start of the work folder's name
     * @param memoryBytes what the parts made with {@link #newSink} may hold in memory together
     */
    public WorkFolder(Path parent, String prefix, long memoryBytes) {
        this(new SpoolFolders(parent, prefix, 0), memoryBytes);
    }

    /**
     * @param folders     where the folder comes from, when one is needed, and goes back to
     * @param memoryBytes what the parts made with {@link #newSink} may hold in memory together
     */
    public WorkFolder(SpoolFolders folders, long memoryBytes) {
        this(folders, memoryBytes, MemoryBudget.UNBOUNDED);
    }

    /**
     * @param folders     where the folder comes from, when one is needed, and goes back to
     * @param memoryBytes what the parts made with {@link #newSink} may hold in memory together
     * @param memory      shared with other transfers: a part goes to a file when it has no room
     */
    public WorkFolder(SpoolFolders folders, long memoryBytes, MemoryBudget memory) {
        this.folders = Objects.requireNonNull(folders, "folders");
        this.memoryLeft = Math.max(0, memoryBytes);
        this.memory = Objects.requireNonNull(memory, "memory");
    }

    /** The folder, found on the first call. It is empty but for an empty {@link #named()} folder. */
    public Path folder() throws IOException {
        if (folder == null) {
            folder = folders.take();
        }
        return folder;
    }

    /** The folder for parts under their senders' names (see {@link SpoolFolders#NAMED}); it exists. */
    public Path named() throws IOException {
        return folder().resolve(SpoolFolders.NAMED);
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
        ContentSink sink = new ContentSink(memoryLeft, memory, () -> folder().resolve("spill-" + (++spilled)));
        sinks.add(sink);
        return sink;
    }

    /** Takes a finished part out of the budget. */
    public PartContent finish(ContentSink sink) throws IOException {
        PartContent content = sink.finish();
        if (content.inMemory()) {
            memoryLeft -= content.size();
        }
        return content;
    }

    /**
     * Gives the parts' memory back to the budget, deletes everything in the folder, if it was made,
     * and gives the folder back (kept, or removed). The parts must not be read after this.
     */
    @Override
    public void close() {
        sinks.forEach(ContentSink::release);
        sinks.clear();
        if (folder == null) {
            return;
        }
        Path done = folder;
        folder = null;
        folders.giveBack(done);
    }
}
