package io.sekisho.extract;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One child JVM running {@link ExtractWorker}, used by one caller at a time.
 *
 * <p>Every read from the child waits with a deadline; past it the child is killed. A worker
 * that timed out, died or broke the protocol is never used again ({@link #isUsable()}).
 */
final class WorkerProcess {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerProcess.class);

    /** Reads block; they run here so that the caller can stop waiting at the deadline. */
    private static final ExecutorService READERS = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "extract-worker-reader");
        thread.setDaemon(true);
        return thread;
    });

    /** A worker that writes the class-data archive does so on its way out; that takes a few seconds. */
    private static final long ARCHIVE_WRITE_MILLIS = 60_000;

    private final Process process;
    private final DataOutputStream requests;
    private final DataInputStream results;
    private final WorkerClassArchive archive;
    private final WorkerClassArchive.Use archiveUse;
    private volatile boolean usable = true;
    /** The archive's bookkeeping for this worker is done once, by whichever of stop or kill comes first. */
    private final AtomicBoolean ended = new AtomicBoolean();

    private WorkerProcess(Process process, WorkerClassArchive archive, WorkerClassArchive.Use archiveUse) {
        this.process = process;
        this.archive = archive;
        this.archiveUse = archiveUse;
        this.requests = new DataOutputStream(new BufferedOutputStream(process.getOutputStream()));
        this.results = new DataInputStream(new BufferedInputStream(process.getInputStream()));
        drainStderr(process);
    }

    /** Starts a worker and waits until it has loaded Tika and is ready for files. */
    static WorkerProcess start(ExtractionLimits limits, WorkerLife life, long startupMillis, WorkerClassArchive archive)
            throws IOException {
        WorkerClassArchive.Use use = archive.nextWorker();
        try {
            return start(limits, life, startupMillis, archive, use);
        } catch (IOException e) {
            if (!use.usesArchive()) {
                throw e;
            }
            // A damaged archive can crash a JDK 17 worker at start instead of being passed over;
            // without it, this worker may write a new one.
            archive.refused(use);
            return start(limits, life, startupMillis, archive, archive.nextWorker());
        }
    }

    private static WorkerProcess start(ExtractionLimits limits, WorkerLife life, long startupMillis,
                                       WorkerClassArchive archive, WorkerClassArchive.Use use) throws IOException {
        Process process;
        try {
            process = new ProcessBuilder(command(limits, life, archive.classPath(), use.options())).start();
        } catch (IOException e) {
            archive.ended(use, false);
            throw e;
        }
        WorkerProcess worker = new WorkerProcess(process, archive, use);
        try {
            worker.await(() -> {
                WorkerProtocol.readReady(worker.results);
                return null;
            }, startupMillis);
        } catch (TimeoutException e) {
            worker.kill();
            throw new IOException("worker not ready after " + startupMillis + " ms");
        } catch (IOException e) {
            worker.kill();
            throw new IOException("worker did not start (" + worker.exitDescription() + ")", e);
        }
        LOG.debug("extraction worker {} started{}", process.pid(),
                use.usesArchive() ? " with the class-data archive" : use.writing() != null ? ", writing the class-data archive at exit" : "");
        return worker;
    }

    /** Extracts one file; never throws: a hang or a death of the worker is the file's result. */
    ExtractionResult extract(Path file, long wallTimeMillis) {
        try {
            WorkerProtocol.writeRequest(requests, file.toString());
            return await(() -> WorkerProtocol.readResult(results), wallTimeMillis);
        } catch (TimeoutException e) {
            kill();
            LOG.warn("extraction worker {} killed after {} ms on {}", process.pid(), wallTimeMillis, file);
            return ExtractionResult.failure(ExtractionStatus.TIMED_OUT, "timed out after " + wallTimeMillis + " ms");
        } catch (IOException e) {
            usable = false;
            String exit = exitDescription();
            kill();
            LOG.warn("extraction worker {} lost on {}: {} (a crash leaves its report in {})", process.pid(), file, exit,
                    crashReport(Long.toString(process.pid())));
            return ExtractionResult.failure(ExtractionStatus.FAILED, "extraction worker died (" + exit + ")");
        }
    }

    boolean isUsable() {
        return usable && process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /**
     * Asks the worker to finish (end of its input), then makes sure it is gone. A worker that
     * writes the class-data archive gets the time to write it.
     */
    void stop() {
        usable = false;
        long waitMillis = archiveUse.writing() != null ? ARCHIVE_WRITE_MILLIS : 2_000;
        long started = System.nanoTime();
        try {
            requests.close();
            if (process.waitFor(waitMillis, TimeUnit.MILLISECONDS)) {
                if (archiveUse.writing() != null) {
                    LOG.info("extraction worker {} wrote its class-data archive at exit in {} ms", process.pid(),
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                }
                endArchive(process.exitValue() == 0);
                return;
            }
        } catch (IOException e) {
            // The pipe is already broken: the worker is going or gone.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kill();
    }

    /** Ends the worker at once; an archive it was to write at exit is never written, or deleted half-written. */
    void kill() {
        usable = false;
        process.destroyForcibly();
        // After SIGKILL the process makes no further system call, so deleting now cannot race a write.
        endArchive(false);
    }

    private void endArchive(boolean normalExit) {
        if (ended.compareAndSet(false, true)) {
            archive.ended(archiveUse, normalExit);
        }
    }

    private interface Read<T> {
        T read() throws IOException;
    }

    private <T> T await(Read<T> read, long millis) throws IOException, TimeoutException {
        CompletableFuture<T> future = CompletableFuture.supplyAsync(() -> {
            try {
                return read.read();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, READERS);
        try {
            return future.get(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            throw new IOException("interrupted while waiting for the worker", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof java.io.UncheckedIOException u ? u.getCause() : e.getCause();
            throw cause instanceof IOException io ? io : new IOException(cause);
        }
    }

    /** "exit 3" once the process has ended, else "still running" (the protocol broke). */
    private String exitDescription() {
        try {
            if (process.waitFor(5, TimeUnit.SECONDS)) {
                return "exit " + process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "protocol error";
    }

    static List<String> command(ExtractionLimits limits, WorkerLife life, String classPath, List<String> archiveOptions) {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.add("-Xmx" + limits.workerHeap());
        // Stdout is the protocol pipe, and the JVM writes its own warnings there by default (a
        // class-data archive it cannot use, for one). All of the JVM's messages go to stderr, which
        // is drained into the log.
        command.add("-XX:+DisplayVMOutputToStderr");
        command.add("-Xlog:disable");
        command.add("-Xlog:all=warning:stderr");
        // Class-data sharing: -Xshare:auto (the default) stays, so an archive the JVM cannot use is
        // passed over, not fatal (docs/adr/0015).
        command.addAll(archiveOptions);
        // Out of memory must end the worker at once, not leave a half-working parser behind.
        command.add("-XX:+ExitOnOutOfMemoryError");
        // A worker that crashes (a parser's native code, a damaged class-data archive) writes its
        // report to the temporary folder, named so that the warning about the lost worker can say
        // where, instead of into whatever folder the gateway was started from.
        command.add("-XX:ErrorFile=" + crashReport("%p"));
        // Parallel GC: one file at a time, throughput is all that matters; measured 25% more files
        // per second than the serial collector on Tika's allocation-heavy parsing (benchmarks/).
        command.add("-XX:+UseParallelGC");
        // A short-lived worker (scan, catalogue add) compiles with the quick compiler only: every
        // worker compiles Tika's parsers for itself, and over its first thousand files the optimising
        // compiler cost about as much CPU as the parsing did (docs/adr/0014). The gateway's workers
        // live for weeks and parse a small .docx in two thirds of the CPU once it has run (docs/adr/0016).
        command.addAll(life.compilerOptions());
        command.add("-Djava.awt.headless=true");
        command.add("-cp");
        command.add(classPath);
        command.add(ExtractWorker.class.getName());
        limits.toMap().forEach((key, value) -> command.add(key + "=" + value));
        return command;
    }

    /** Where the JVM of worker {@code pid} writes its crash report ({@code %p} for the JVM to fill in). */
    static Path crashReport(String pid) {
        return Path.of(System.getProperty("java.io.tmpdir"), "sekisho-worker-hs_err-" + pid + ".log");
    }

    private static String javaExecutable() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        if (Files.isExecutable(java)) {
            return java.toString();
        }
        return ProcessHandle.current().info().command().orElse("java");
    }

    private static void drainStderr(Process process) {
        Thread thread = new Thread(() -> {
            try (BufferedReader err = new BufferedReader(
                    new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line = err.readLine(); line != null; line = err.readLine()) {
                    LOG.info("worker {}: {}", process.pid(), line);
                }
            } catch (IOException e) {
                // The worker is gone; nothing more to log.
            }
        }, "extract-worker-stderr-" + process.pid());
        thread.setDaemon(true);
        thread.start();
    }
}
