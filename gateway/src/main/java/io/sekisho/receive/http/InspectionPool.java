package io.sekisho.receive.http;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded executor for everything that may block: password checks, splitting and inspecting
 * bodies, name resolution, connecting and TLS handshakes to destinations, minting certificates.
 * Bounded twice (http.inspectionThreads, http.inspectionQueue); when full, {@link #submit} says so
 * at once and the client gets 503 (ICAP 503), never an unbounded wait. Shared by the proxy and ICAP.
 */
public final class InspectionPool implements AutoCloseable {
    private final ThreadPoolExecutor executor;

    public InspectionPool(int threads, int queue) {
        BlockingQueue<Runnable> q = queue == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queue);
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, q, r -> {
            Thread t = new Thread(r, "sekisho-http-inspect-" + n.incrementAndGet());
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

    /** Tasks waiting for a thread now (the http.inspectionQueue in use). */
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
