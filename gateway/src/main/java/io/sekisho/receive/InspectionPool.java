package io.sekisho.receive;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded executor a listener hands its blocking work to, off the event loops: inspecting and
 * relaying mail (smtp.inspectionThreads, smtp.inspectionQueue), and for the proxy and ICAP password
 * checks, splitting and inspecting bodies, name resolution, connecting and TLS handshakes to
 * destinations, minting certificates (http.inspectionThreads, http.inspectionQueue). Bounded twice;
 * when full, {@link #submit} says so at once and the client gets 451 (SMTP) or 503 (HTTP, ICAP),
 * never an unbounded wait.
 */
public final class InspectionPool implements AutoCloseable {
    private final ThreadPoolExecutor executor;

    /** @param threadName its threads are called {@code threadName-1}, {@code threadName-2}, ... */
    public InspectionPool(String threadName, int threads, int queue) {
        BlockingQueue<Runnable> q = queue == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queue);
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, q, r -> {
            Thread t = new Thread(r, threadName + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    }

    /** Queues a task; false when every thread is busy and the queue is full (nothing was queued). */
    public boolean submit(Runnable task) {
        try {
            executor.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** True when a task submitted now would be refused: every thread busy and the queue full. */
    public boolean full() {
        return executor.getActiveCount() >= executor.getMaximumPoolSize() && executor.getQueue().remainingCapacity() == 0;
    }

    /** Tasks waiting for a thread now (the configured inspection queue in use). */
    public int queued() {
        return executor.getQueue().size();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }

    public void close(Duration grace) {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
