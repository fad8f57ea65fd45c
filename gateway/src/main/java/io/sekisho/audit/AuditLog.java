package io.sekisho.audit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The audit log of one gateway instance: append a record, get it back only when it is durable.
 *
 * <p>Callers on any thread hand their record to one writer thread, which takes everything that is
 * waiting, writes it as one group, forces the file once and then wakes every caller of that group
 * (group commit). So 64 channels waiting together cost about one disk sync, not 64.
 *
 * <p>One process at a time writes a log folder (a lock file enforces it). If a group cannot be
 * made durable, every caller in it gets {@link AuditUnavailableException}; the next group starts
 * by re-reading the log from disk, so a partly written group is moved aside and recorded, never
 * silently continued.
 */
public final class AuditLog implements AutoCloseable {
    private static final int MAX_GROUP = 4096;

    private final Path dir;
    private final AuditLogOptions options;
    private final ChainWriter chain;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private volatile boolean closed;
    /** Set by the writer thread when a group failed, so a due checkpoint is retried calmly, not in a spin. */
    private boolean lastGroupFailed;
    /** When a group last failed, or null once a group succeeded again (read by readiness probes). */
    private volatile Instant lastFailure;
    private Instant lastDropReport = Instant.now();

    private record Pending(AuditEntry entry, CompletableFuture<Appended> done) {
    }

    private static final Pending CLOSE = new Pending(null, null);

    private AuditLog(Path dir, AuditLogOptions options, ChainWriter chain, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.options = options;
        this.chain = chain;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.writer = new Thread(this::run, "audit-writer-" + dir.getFileName());
        this.writer.setDaemon(true);
    }

    /** Opens (creating if needed) the log in a folder, recovering a torn tail and recording that it did. */
    public static AuditLog open(Path dir, AuditLogOptions options) throws AuditUnavailableException {
        return open(dir, options, SegmentFile.DEFAULT);
    }

    static AuditLog open(Path dir, AuditLogOptions options, SegmentFile.Opener opener) throws AuditUnavailableException {
        FileChannel lockChannel = null;
        try {
            Files.createDirectories(dir);
            lockChannel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = tryLock(lockChannel);
            if (lock == null) {
                throw new AuditUnavailableException("the audit log " + dir + " is in use by another writer");
            }
            ChainWriter chain = new ChainWriter(dir, options, opener);
            chain.open();
            AuditLog log = new AuditLog(dir, options, chain, lockChannel, lock);
            log.writer.start();
            LogTail.Torn torn = chain.takeTorn();
            if (torn != null) {
                log.append(tornRecord(torn, options.instance()));
            }
            return log;
        } catch (IOException e) {
            closeQuietly(lockChannel);
            throw new AuditUnavailableException("cannot open the audit log " + dir + ": " + e.getMessage(), e);
        } catch (AuditUnavailableException e) {
            closeQuietly(lockChannel);
            throw e;
        }
    }

    /** Appends a record and returns when it is durable. */
    public Appended append(AuditEntry entry) throws AuditUnavailableException {
        try {
            return appendAsync(entry).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditUnavailableException("interrupted while waiting for the audit log", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuditUnavailableException a) {
                throw new AuditUnavailableException(a.getMessage(), a);
            }
            throw new AuditUnavailableException("audit log failed: " + e.getCause(), e.getCause());
        }
    }

    /**
     * Appends a record; the future completes when it is durable, or exceptionally with
     * {@link AuditUnavailableException}. For event-loop callers that must not block.
     */
    public CompletableFuture<Appended> appendAsync(AuditEntry entry) {
        if (entry instanceof Checkpoint) {
            throw new IllegalArgumentException("checkpoints are written by the log itself");
        }
        CompletableFuture<Appended> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new AuditUnavailableException("the audit log " + dir + " is closed"));
        } else {
            queue.add(new Pending(entry, done));
        }
        return done;
    }

    public Path directory() {
        return dir;
    }

    /** False once {@link #close} was called. */
    public boolean isOpen() {
        return !closed;
    }

    /** When the last write failed, or null when the last write succeeded (or none failed yet). */
    public Instant lastFailure() {
        return lastFailure;
    }

    public String instance() {
        return options.instance();
    }

    /** Writes what is waiting, a last checkpoint, and stops. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.add(CLOSE);
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        chain.close();
        if (options.forwarder() != null) {
            options.forwarder().close();
        }
        try {
            lock.release();
        } catch (IOException ignored) {
            // Closing the channel releases it as well.
        }
        closeQuietly(lockChannel);
    }

    private void run() {
        List<Pending> group = new ArrayList<>();
        boolean stopping = false;
        while (!stopping) {
            Pending first;
            try {
                long wait = chain.untilCheckpoint(Instant.now()).toMillis();
                first = queue.poll(lastGroupFailed ? Math.max(wait, 500) : wait, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            group.clear();
            if (first != null) {
                group.add(first);
                queue.drainTo(group, MAX_GROUP - 1);
            }
            stopping = group.remove(CLOSE);
            writeGroup(group, stopping);
        }
        AuditUnavailableException closedError = new AuditUnavailableException("the audit log " + dir + " is closed");
        for (Pending p; (p = queue.poll()) != null; ) {
            if (p.done() != null) {
                p.done().completeExceptionally(closedError);
            }
        }
    }

    private void writeGroup(List<Pending> group, boolean last) {
        List<AuditEntry> entries = new ArrayList<>(group.size() + 1);
        group.forEach(p -> entries.add(p.entry()));
        AdminEvent drops = dropReport(last);
        if (drops != null) {
            entries.add(drops);
        }
        if (entries.isEmpty() && !chain.checkpointDue(Instant.now()) && !last) {
            return;
        }
        try {
            if (!chain.isOpen()) {
                chain.open();
                LogTail.Torn torn = chain.takeTorn();
                if (torn != null) {
                    entries.add(0, tornRecord(torn, options.instance()));
                }
            }
            ChainWriter.Group written = chain.write(entries, last);
            // Cleared before the callers hear of it, so one that sees its record durable sees the log writable.
            lastFailure = null;
            int offset = entries.size() - group.size() - (drops != null ? 1 : 0);
            for (int i = 0; i < group.size(); i++) {
                group.get(i).done().complete(written.results().get(offset + i));
            }
            lastGroupFailed = false;
            forward(written.lines());
            rotateIfDue();
        } catch (IOException | RuntimeException e) {
            lastGroupFailed = true;
            lastFailure = Instant.now();
            AuditUnavailableException failure = new AuditUnavailableException(
                    "the audit log " + dir + " cannot be written: " + e.getMessage(), e);
            group.forEach(p -> p.done().completeExceptionally(failure));
        }
    }

    private void rotateIfDue() throws IOException {
        if (!chain.rotationDue(Instant.now())) {
            return;
        }
        AdminEvent expired = chain.rotate();
        if (expired != null) {
            forward(chain.write(List.of(expired), false).lines());
        }
    }

    private void forward(List<String> lines) {
        RecordForwarder f = options.forwarder();
        if (f == null) {
            return;
        }
        for (String line : lines) {
            // A drop report is not sent: if the SIEM is the problem it would be dropped and counted again.
            if (!line.contains("\"event\":\"" + AdminEvent.SIEM_DROPPED + "\"")) {
                f.offer(line);
            }
        }
    }

    /** At most one record of SIEM drops per checkpoint interval, and one on close. */
    private AdminEvent dropReport(boolean last) {
        RecordForwarder f = options.forwarder();
        Instant now = Instant.now();
        if (f == null || !last && now.isBefore(lastDropReport.plus(options.checkpointInterval()))) {
            return null;
        }
        lastDropReport = now;
        long dropped = f.takeDropped();
        if (dropped == 0) {
            return null;
        }
        return new AdminEvent(now, options.instance(), AdminEvent.SIEM_DROPPED, null, AdminEvent.GATEWAY,
                "the SIEM did not keep up", Map.of("dropped", Long.toString(dropped)));
    }

    private static AdminEvent tornRecord(LogTail.Torn torn, String instance) {
        return new AdminEvent(Instant.now(), instance, AdminEvent.TORN_TAIL_MOVED, null, AdminEvent.GATEWAY,
                "an unfinished record after seq " + torn.afterSeq() + " was found on start",
                Map.of("segment", torn.segment(), "offset", Long.toString(torn.offset()),
                        "bytes", Long.toString(torn.bytes()), "movedTo", torn.movedTo(),
                        "afterSeq", Long.toString(torn.afterSeq())));
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    private static void closeQuietly(FileChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // Only a lock file.
            }
        }
    }
}
