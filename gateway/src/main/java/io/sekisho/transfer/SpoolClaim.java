package io.sekisho.transfer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A spool folder held by one running gateway: locked while it runs, and cleared at start of what
 * an earlier run left there.
 *
 * <p>A gateway that is killed leaves behind the transfers it had in hand: spooled messages and
 * bodies, work folders with their parts. None of them was acknowledged (the gateway holds no
 * queue; a message is answered only once the next hop has it, an upload only once the destination
 * answered), so their senders still have them, and nothing reads these files again. Without
 * this clearing they would collect, crash after crash.
 *
 * <p>The lock is why this is safe. A second gateway given the same folder would clear the first
 * one's transfers in flight, so it does not start: {@link #claim} fails with a message naming the
 * configuration key. It is an advisory lock ({@link FileChannel#tryLock}) on a file in the folder.
 * The system releases it when the process ends, however it ends, so a killed gateway does not
 * block its restart. Only names the gateway gives its own files (the {@code prefixes}) are
 * removed; anything else in the folder is left alone.
 */
public final class SpoolClaim implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SpoolClaim.class);

    /** The lock file's name; it stays in the folder. */
    public static final String LOCK_FILE = ".sekisho-spool.lock";

    private final FileChannel channel;
    private final FileLock lock;
    private final int removed;

    private SpoolClaim(FileChannel channel, FileLock lock, int removed) {
        this.channel = channel;
        this.lock = lock;
        this.removed = removed;
    }

    /**
     * Locks {@code dir} (made if missing) for this gateway and removes what an earlier run left:
     * every file and folder whose name starts with one of {@code prefixes}.
     *
     * @param key the configuration key that named the folder, for the error
     * @throws IllegalArgumentException naming {@code key} when another running gateway holds the
     *                                  folder, or when it cannot be made or locked
     */
    public static SpoolClaim claim(Path dir, String key, List<String> prefixes) {
        FileChannel channel;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new IllegalArgumentException(key + ": cannot use " + dir + ": " + e, e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by another gateway in this process
        } catch (IOException e) {
            close(channel);
            throw new IllegalArgumentException(key + ": cannot lock " + dir + ": " + e, e);
        }
        if (lock == null) {
            close(channel);
            throw new IllegalArgumentException(key + ": " + dir + " is in use by another running gateway; "
                    + "give each gateway a spool folder of its own");
        }
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (prefixes.stream().anyMatch(name::startsWith)) {
                    SpoolFolders.remove(entry);
                    removed++;
                }
            }
        } catch (IOException e) {
            log.warn("{}: could not look for what an earlier run left in {}: {}", key, dir, e.toString());
        }
        if (removed > 0) {
            log.info("{}: removed {} spool entries an earlier run left in {} (transfers it never acknowledged)",
                    key, removed, dir);
        }
        return new SpoolClaim(channel, lock, removed);
    }

    /** Entries removed at start. */
    public int removed() {
        return removed;
    }

    /** Releases the folder (the lock file stays: removing it could race with a gateway starting). */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        close(channel);
    }

    private static void close(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing more to release
        }
    }
}
