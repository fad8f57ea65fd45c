package io.sekisho.gateway;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Interrupts a thread that is still inside a {@link Guard} when the guard's deadline has passed,
 * so that work can run on the thread that waits for it and still end at a deadline.
 *
 * <p>One poller thread looks at the open guards every {@code tick}: a deadline is enforced up to
 * one tick late. A coarse poller rather than a {@link java.util.concurrent.ScheduledThreadPoolExecutor}
 * because it costs a transfer one set insert and one removal, and no signal: a scheduled executor
 * whose queue is empty, as between transfers, wakes its thread for every task scheduled, which is
 * the context switch running inspections inline set out to save (benchmarks/README.md). The
 * poller parks while no guard is open, so an idle gateway pays nothing; it is woken at most once
 * per tick.
 *
 * <p>A guard is a small state machine: RUNNING until its owner closes it (DONE) or the poller
 * decides to fire (FIRED, then DELIVERED once the interrupt has been sent). Exactly one of the two
 * wins the first transition, so a guard closed in time is never interrupted; and a guard that
 * fired is closed only once the interrupt has landed, which {@link Guard#close()} then clears, so
 * no interrupt from here survives the guard into the thread's next task.
 */
final class DeadlineWatchdog {
    private static final Logger log = LoggerFactory.getLogger(DeadlineWatchdog.class);

    private static final int RUNNING = 0;
    private static final int DONE = 1;
    private static final int FIRED = 2;
    private static final int DELIVERED = 3;

    private static final DeadlineWatchdog SHARED = new DeadlineWatchdog("sekisho-inspection-deadline",
            Duration.ofMillis(50));

    private final String threadName;
    private final long tickNanos;
    private final Set<Guard> open = ConcurrentHashMap.newKeySet();
    private final Object startLock = new Object();
    private volatile Thread poller;
    /** Set by the poller just before it parks for want of guards; cleared by whoever wakes it. */
    private volatile boolean parked;
    /** Runs between the decision to fire and the interrupt: tests widen that window with it. */
    volatile Runnable beforeInterrupt = () -> { };

    /**
     * @param threadName the poller's name
     * @param tick       how often open guards are looked at: how late a deadline may be enforced
     */
    DeadlineWatchdog(String threadName, Duration tick) {
        this.threadName = Objects.requireNonNull(threadName, "threadName");
        this.tickNanos = tick.toNanos();
        if (tickNanos <= 0) {
            throw new IllegalArgumentException("tick must be positive: " + tick);
        }
    }

    /** The one watchdog of the gateway's inspections (its poller is a daemon started on first use). */
    static DeadlineWatchdog shared() {
        return SHARED;
    }

    /**
     * Starts guarding the calling thread: past {@code limit} from now it is interrupted, unless the
     * guard was closed first. Close it on the same thread, in a finally block or try-with-resources.
     */
    Guard start(Duration limit) {
        long now = System.nanoTime();
        long nanos = saturatedNanos(limit);
        Guard guard = new Guard(Thread.currentThread(), now + Math.min(nanos, Long.MAX_VALUE / 2));
        open.add(guard);
        Thread p = poller;
        if (p == null) {
            startPoller();
        } else if (parked) {
            // The poller is parked (or about to) because it saw no guard: one wake-up, at most per tick.
            parked = false;
            LockSupport.unpark(p);
        }
        return guard;
    }

    /** Guards open now (tests). */
    int openGuards() {
        return open.size();
    }

    private static long saturatedNanos(Duration d) {
        try {
            return Math.max(0, d.toNanos());
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private void startPoller() {
        synchronized (startLock) {
            if (poller != null) {
                return;
            }
            Thread t = new Thread(this::poll, threadName);
            t.setDaemon(true);
            poller = t;
            t.start();
        }
    }

    private void poll() {
        while (true) {
            if (open.isEmpty()) {
                parked = true;
                // Read again after announcing the park: a guard added meanwhile either shows here,
                // or its owner saw parked and unparks (both sides write, then read, volatiles).
                if (open.isEmpty()) {
                    LockSupport.park(this);
                }
                parked = false;
                continue;
            }
            LockSupport.parkNanos(this, tickNanos);
            long now = System.nanoTime();
            for (Guard g : open) {
                if (now - g.deadline >= 0) {
                    try {
                        g.fire();
                    } catch (RuntimeException e) {
                        // The guard still counts as fired (its owner stops at its next check);
                        // the poller must live on for every other deadline.
                        log.error("interrupting {} at its deadline failed", g.owner.getName(), e);
                    }
                }
            }
        }
    }

    /** One guarded stretch of work on one thread. */
    final class Guard implements AutoCloseable {
        private final Thread owner;
        private final long deadline;
        private final AtomicInteger state = new AtomicInteger(RUNNING);

        private Guard(Thread owner, long deadline) {
            this.owner = owner;
            this.deadline = deadline;
        }

        /** True once the deadline has passed and the owner is (or is about to be) interrupted for it. */
        boolean fired() {
            return state.get() >= FIRED;
        }

        private void fire() {
            if (state.compareAndSet(RUNNING, FIRED)) {
                try {
                    open.remove(this);
                    beforeInterrupt.run();
                    owner.interrupt();
                } finally {
                    // Even if the interrupt could not be sent: the owner's close() waits for this.
                    state.set(DELIVERED);
                }
            }
        }

        /**
         * Ends the guard. When it fired, waits until the interrupt has been delivered (the poller is
         * between its decision and {@link Thread#interrupt()}: a few instructions) and clears it, so
         * the owner's next task does not start interrupted. An interrupt from elsewhere that arrived
         * in the same moment is cleared with it: the guard cannot tell the two apart.
         */
        @Override
        public void close() {
            if (Thread.currentThread() != owner) {
                throw new IllegalStateException("a guard is closed by the thread it guards");
            }
            if (state.compareAndSet(RUNNING, DONE)) {
                open.remove(this);
                return;
            }
            while (state.get() != DELIVERED) {
                // Let the poller finish: on a busy machine it may be the thread waiting for a core.
                Thread.yield();
            }
            Thread.interrupted();
        }
    }
}
