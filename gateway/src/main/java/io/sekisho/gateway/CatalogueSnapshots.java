package io.sekisho.gateway;

import io.sekisho.catalogue.Catalogue;
import io.sekisho.catalogue.CatalogueSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The catalogue as inspections see it: one point-in-time snapshot per message, refreshed at most
 * once per {@code interval} so that {@code sekisho catalogue add} from another process shows up
 * within seconds without restarting or dropping connections.
 *
 * <p>Snapshots are reference-counted: a message holds a {@link Lease} for its whole inspection,
 * and a replaced snapshot is closed when its last lease is returned. A refresh that fails (the
 * index is being rewritten, a disk error) is logged and the last good snapshot stays in use.
 */
final class CatalogueSnapshots implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CatalogueSnapshots.class);

    private final long intervalNanos;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private Lease current;
    private long nextCheck;
    private boolean closed;

    CatalogueSnapshots(Catalogue catalogue, Duration interval) {
        this.intervalNanos = interval.toNanos();
        this.current = new Lease(catalogue.snapshot());
        this.nextCheck = System.nanoTime() + intervalNanos;
    }

    /** A snapshot to inspect one message with; return it with {@link Lease#close()}. */
    Lease acquire() {
        refreshIfDue();
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the catalogue is closed");
            }
            current.users++;
            return current;
        }
    }

    /** Looks for a newer commit now (tests; the inspection path calls it at most once per interval). */
    void refreshIfDue() {
        synchronized (this) {
            if (System.nanoTime() - nextCheck < 0 || closed) {
                return;
            }
            nextCheck = System.nanoTime() + intervalNanos;
        }
        // One thread refreshes, outside the lock: opening a reader must not stall other inspections.
        if (!refreshing.compareAndSet(false, true)) {
            return;
        }
        try {
            CatalogueSnapshot old;
            synchronized (this) {
                old = current.snapshot;
            }
            CatalogueSnapshot fresh;
            try {
                fresh = old.refreshed();
            } catch (RuntimeException e) {
                log.warn("catalogue refresh failed, still inspecting with the last snapshot: {}", e.getMessage());
                return;
            }
            if (fresh == old) {
                return;
            }
            Lease retired;
            synchronized (this) {
                retired = current;
                current = new Lease(fresh);
                retired.retired = true;
                if (retired.users > 0) {
                    retired = null;
                }
            }
            log.info("catalogue refreshed: {} documents", fresh.documentCount());
            if (retired != null) {
                closeQuietly(retired.snapshot);
            }
        } finally {
            refreshing.set(false);
        }
    }

    @Override
    public void close() {
        Lease last;
        synchronized (this) {
            closed = true;
            last = current;
            last.retired = true;
            if (last.users > 0) {
                return;
            }
        }
        closeQuietly(last.snapshot);
    }

    private static void closeQuietly(CatalogueSnapshot s) {
        try {
            s.close();
        } catch (IOException e) {
            log.warn("closing a catalogue snapshot: {}", e.getMessage());
        }
    }

    /** One message's hold on a snapshot. */
    final class Lease implements AutoCloseable {
        private final CatalogueSnapshot snapshot;
        private int users;
        private boolean retired;

        private Lease(CatalogueSnapshot snapshot) {
            this.snapshot = snapshot;
        }

        CatalogueSnapshot snapshot() {
            return snapshot;
        }

        @Override
        public void close() {
            boolean last;
            synchronized (CatalogueSnapshots.this) {
                users--;
                last = retired && users == 0;
            }
            if (last) {
                closeQuietly(snapshot);
            }
        }
    }
}
