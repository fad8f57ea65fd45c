package io.sekisho.transfer;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the transfers being received and inspected may hold in memory together; content that
 * would take it past its limit goes to the spool instead ({@link ContentSink}).
 *
 * <p>Why a shared bound and not only a per-transfer one: a per-transfer limit bounds memory only
 * as the limit times the connections, so it must stay small (256 KiB) for the worst case of every
 * connection sending at once; every larger message then took a round trip through the spool's file
 * system (for 1 MiB mail, a fifth of the gateway's CPU). With a shared bound, one large message
 * stays in memory while there is room, and a burst of them costs disk, not the heap.
 *
 * <p>Thread-safe: sinks on event loops reserve, inspection threads release.
 */
public final class MemoryBudget {
    /** No bound beyond each sink's own limit. */
    public static final MemoryBudget UNBOUNDED = new MemoryBudget(Long.MAX_VALUE);

    private final long limit;
    private final AtomicLong used = new AtomicLong();

    /** @param limit bytes all reservations may hold together */
    public MemoryBudget(long limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit: negative: " + limit);
        }
        this.limit = limit;
    }

    /** Takes {@code bytes} if they fit; false (nothing taken) if they would pass the limit. */
    boolean reserve(long bytes) {
        if (limit == Long.MAX_VALUE) {
            return true;
        }
        long now;
        do {
            now = used.get();
            if (now + bytes > limit) {
                return false;
            }
        } while (!used.compareAndSet(now, now + bytes));
        return true;
    }

    /** Gives back {@code bytes} from earlier reservations. */
    void release(long bytes) {
        if (limit != Long.MAX_VALUE && bytes > 0) {
            used.addAndGet(-bytes);
        }
    }

    /** Bytes reserved now. */
    public long used() {
        return used.get();
    }

    public long limit() {
        return limit;
    }
}
