package io.sekisho.transfer;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Set;

/**
 * The work folders of one spool, kept for the next transfer instead of removed and made again.
 *
 * <p>Why: a directory is the dearest thing to make on the spool's file system. For a 10 KiB mail
 * with a .docx, making the transfer's folder and its {@value #NAMED} folder and removing both
 * afterwards (ext4: an inode group searched for each new directory) took about a sixth of the
 * gateway's CPU; the file the worker reads cost a fifth of that. A folder given back is emptied
 * first ({@link WorkFolder#close}), so a transfer never sees another's files, and one that could
 * not be emptied is removed instead of kept.
 *
 * <p>Every folder is made with its {@value #NAMED} folder inside, where parts get their senders'
 * names for the extraction workers; emptying keeps that one. A gateway killed while transfers were
 * in flight leaves their folders behind; each one's name starts with the prefix, by which
 * {@link SpoolClaim} removes them when the gateway starts again.
 */
public final class SpoolFolders implements AutoCloseable {
    /** The folder inside each work folder for files under their senders' names. */
    public static final String NAMED = "named";

    private final Path parent;
    private final String prefix;
    private final int keep;
    private final Deque<Path> idle = new ArrayDeque<>();
    private boolean closed;

    /**
     * @param parent the spool folder, made when the first work folder is
     * @param prefix the start of each work folder's name
     * @param keep   how many emptied folders to keep for later transfers; 0 removes each one
     */
    public SpoolFolders(Path parent, String prefix, int keep) {
        this.parent = Objects.requireNonNull(parent, "parent");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        if (keep < 0) {
            throw new IllegalArgumentException("keep: negative: " + keep);
        }
        this.keep = keep;
    }

    /**
     * An empty work folder for one transfer: a kept one, or a new one. A kept folder that is gone
     * (a cleaner of old temporary files, an admin) is passed over: one stat, against a transfer
     * failed for a missing folder.
     */
    Path take() throws IOException {
        while (true) {
            Path kept;
            synchronized (idle) {
                kept = idle.pollFirst();
            }
            if (kept == null) {
                break;
            }
            if (Files.isDirectory(kept.resolve(NAMED))) {
                return kept;
            }
            remove(kept);
        }
        Files.createDirectories(parent);
        Path folder = Files.createTempDirectory(parent, prefix);
        Files.createDirectory(folder.resolve(NAMED));
        return folder;
    }

    /** Takes back a folder from {@link #take}: emptied and kept, or removed. */
    void giveBack(Path folder) {
        boolean emptied = empty(folder);
        synchronized (idle) {
            if (emptied && !closed && idle.size() < keep) {
                idle.addFirst(folder);
                return;
            }
        }
        remove(folder);
    }

    /** Removes the kept folders; folders given back later are removed, not kept. */
    @Override
    public void close() {
        Deque<Path> left;
        synchronized (idle) {
            closed = true;
            left = new ArrayDeque<>(idle);
            idle.clear();
        }
        left.forEach(SpoolFolders::remove);
    }

    /** Kept folders now; for tests. */
    int kept() {
        synchronized (idle) {
            return idle.size();
        }
    }

    /** Everything in the folder except the {@value #NAMED} folder itself; false if something stayed. */
    private static boolean empty(Path folder) {
        Path named = folder.resolve(NAMED);
        try {
            delete(folder, Set.of(folder, named));
            return Files.isDirectory(named);
        } catch (IOException e) {
            return false;
        }
    }

    /** The folder and all in it, as far as it goes. */
    static void remove(Path folder) {
        try {
            delete(folder, Set.of());
        } catch (IOException ignored) {
            // The spool folder is private; a leftover is found by its name pattern.
        }
    }

    /** Deletes every file under {@code top} and every folder not in {@code keep}, {@code top} included. */
    private static void delete(Path top, Set<Path> keep) throws IOException {
        Files.walkFileTree(top, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                if (!keep.contains(d)) {
                    Files.deleteIfExists(d);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
