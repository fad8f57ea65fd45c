package io.sekisho.testing;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.sekisho.transfer.SpoolClaim;
import io.sekisho.transfer.SpoolFolders;

/**
 * Every name created in a spool folder while it is watched (inotify on Linux), so a test can tell
 * whether a transfer touched the disk at all, even for a file made and deleted within the transfer.
 */
public final class SpoolWatch implements AutoCloseable {
    private final Path dir;
    private final WatchService watcher;
    private final List<String> created = new ArrayList<>();

    public SpoolWatch(Path dir) throws IOException {
        this.dir = dir;
        this.watcher = FileSystems.getDefault().newWatchService();
        dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
    }

    /** The names created so far, waiting a little for events still on their way. */
    public List<String> created() throws InterruptedException {
        for (WatchKey key = watcher.poll(1, TimeUnit.SECONDS); key != null; key = watcher.poll(200, TimeUnit.MILLISECONDS)) {
            for (WatchEvent<?> e : key.pollEvents()) {
                created.add(e.kind() == StandardWatchEventKinds.OVERFLOW ? "(overflow)" : String.valueOf(e.context()));
            }
            key.reset();
        }
        return List.copyOf(created);
    }

    /** What transfers left in the folder: see {@link #leftIn}. */
    public List<Path> left() throws IOException {
        return leftIn(dir);
    }

    /**
     * What transfers left in a spool folder: every file, and every folder except the emptied work
     * folders the gateway keeps for the next transfer, each with its empty folder for named parts
     * ({@link SpoolFolders}). The running gateway's lock file ({@link SpoolClaim}) is not a transfer's.
     */
    public static List<Path> leftIn(Path spool) throws IOException {
        if (!Files.exists(spool)) {
            return List.of();
        }
        try (Stream<Path> all = Files.walk(spool)) {
            return all.filter(p -> !p.equals(spool)).filter(p -> !keptEmpty(spool.relativize(p), p))
                    .filter(p -> !p.equals(spool.resolve(SpoolClaim.LOCK_FILE))).toList();
        }
    }

    private static boolean keptEmpty(Path relative, Path p) {
        if (!Files.isDirectory(p)) {
            return false;
        }
        return relative.getNameCount() == 1
                || (relative.getNameCount() == 2 && relative.endsWith(SpoolFolders.NAMED));
    }

    @Override
    public void close() throws IOException {
        watcher.close();
    }
}
