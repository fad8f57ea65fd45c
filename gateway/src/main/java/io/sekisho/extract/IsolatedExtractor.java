package io.sekisho.extract;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Extracts each file in a worker process, so that a parser that hangs, loops or exhausts memory
 * costs that one file and not the gateway (see docs/adr/0002).
 *
 * <p>At most {@link ExtractionLimits#workerCount()} files are extracted at once, one per
 * worker; further callers wait. Workers start on first use and are reused until they time out
 * or die, when a fresh one replaces them on the next call.
 *
 * <p>Small plain-text files, which need no parser, are decoded in this process instead
 * ({@link PlainTextExtraction}, docs/adr/0011): a subject line or a short text body no longer
 * waits for a worker and pays a process round trip. So are small Word documents held in memory
 * that consist of XML parts only ({@link WordText}, docs/adr/0020), within tighter bounds.
 */
public final class IsolatedExtractor implements Extractor {

    /** Start-up is a JVM and Tika's registry; generous, since it is not the file's fault. */
    private static final long STARTUP_MILLIS = 60_000;
    /**
     * A Word document read in this process may inflate to this many times {@code in.process.text.max.bytes}
     * (32 MiB by default, about 0.1 s of work): a bound for the gateway's threads, tighter than the
     * workers' zip-bomb bound, since nothing here can be killed.
     */
    static final long IN_PROCESS_INFLATION = 16;

    private final ExtractionLimits limits;
    private final WorkerLife life;
    private final WorkerClassArchive archive;
    private final PlainTextExtraction plainText;
    private final Semaphore permits;
    private final Deque<WorkerProcess> idle = new ArrayDeque<>();
    private final Set<WorkerProcess> running = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public IsolatedExtractor() {
        this(ExtractionLimits.defaults());
    }

    /** Workers for a command that ends after its files ({@link WorkerLife#SHORT}). */
    public IsolatedExtractor(ExtractionLimits limits) {
        this(limits, WorkerLife.SHORT);
    }

    public IsolatedExtractor(ExtractionLimits limits, WorkerLife life) {
        this(limits, life, WorkerClassArchive.forThisJvm());
    }

    IsolatedExtractor(ExtractionLimits limits, WorkerClassArchive archive) {
        this(limits, WorkerLife.SHORT, archive);
    }

    IsolatedExtractor(ExtractionLimits limits, WorkerLife life, WorkerClassArchive archive) {
        this.limits = limits;
        this.life = life;
        this.archive = archive;
        this.plainText = new PlainTextExtraction(limits);
        this.permits = new Semaphore(limits.workerCount(), true);
    }

    public ExtractionLimits limits() {
        return limits;
    }

    @Override
    public ExtractionResult extract(Path file) {
        return extract(file, null);
    }

    @Override
    public ExtractionResult extract(Path file, String declaredType) {
        return extract(file, declaredType, false);
    }

    @Override
    public ExtractionResult extract(Path file, String declaredType, boolean gatewayText) {
        if (closed) {
            throw new IllegalStateException("extractor is closed");
        }
        ExtractionResult text = plainText.extract(file, declaredType, gatewayText);
        return text != null ? text : inWorker(file);
    }

    /** Plain text straight from the bytes; only content for a worker becomes a file (docs/adr/0013). */
    @Override
    public ExtractionResult extract(String name, byte[] bytes, String declaredType, boolean gatewayText,
                                    FileSource asFile) {
        if (closed) {
            throw new IllegalStateException("extractor is closed");
        }
        ExtractionResult text = plainText.extract(name, bytes, declaredType, gatewayText);
        if (text == null) {
            text = wordInProcess(name, bytes);
        }
        return text != null ? text : inWorker(Extractor.fileFor(name, asFile));
    }

    /**
     * A Word document of XML parts only, read here rather than in a worker (ADR 0020) when it is as
     * small as the plain text read here, inflates to at most {@link #IN_PROCESS_INFLATION} times
     * that and has no more text than that; else null, and a worker reads it.
     */
    private ExtractionResult wordInProcess(String name, byte[] bytes) {
        long max = limits.maxInProcessTextBytes();
        if (bytes.length == 0 || bytes.length > max || bytes.length > limits.maxFileBytes()) {
            return null;
        }
        String text = WordText.read(bytes, limits, IN_PROCESS_INFLATION * max, max);
        return text == null ? null : WordText.result(name, bytes.length, text, limits);
    }

    private ExtractionResult inWorker(Path file) {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExtractionResult.failure(ExtractionStatus.FAILED, "interrupted while waiting for a worker");
        }
        WorkerProcess worker = null;
        try {
            if (closed) {
                return ExtractionResult.failure(ExtractionStatus.FAILED, "extractor closed while waiting for a worker");
            }
            worker = takeWorker();
            return worker.extract(file.toAbsolutePath(), limits.wallTimeMillis());
        } catch (IOException e) {
            // Not the file's fault: refusing the transfer for it would bounce clean mail.
            throw new ExtractionUnavailableException("no extraction worker could be started: " + e.getMessage(), e);
        } finally {
            giveBack(worker);
            permits.release();
        }
    }

    /** The process ids of the workers now alive; for tests. */
    List<Long> workerPids() {
        return running.stream().filter(WorkerProcess::isUsable).map(WorkerProcess::pid).toList();
    }

    /** Number of worker processes now alive; for tests and monitoring. */
    public int liveWorkers() {
        return workerPids().size();
    }

    @Override
    public void close() {
        closed = true;
        running.forEach(WorkerProcess::stop);
        running.clear();
        synchronized (idle) {
            idle.clear();
        }
    }

    private WorkerProcess takeWorker() throws IOException {
        synchronized (idle) {
            while (!idle.isEmpty()) {
                WorkerProcess worker = idle.pop();
                if (worker.isUsable()) {
                    return worker;
                }
                running.remove(worker);
                worker.kill();
            }
        }
        WorkerProcess worker = WorkerProcess.start(limits, life, STARTUP_MILLIS, archive);
        running.add(worker);
        return worker;
    }

    private void giveBack(WorkerProcess worker) {
        if (worker == null) {
            return;
        }
        if (closed || !worker.isUsable()) {
            running.remove(worker);
            worker.kill();
            return;
        }
        synchronized (idle) {
            idle.push(worker);
        }
    }
}
