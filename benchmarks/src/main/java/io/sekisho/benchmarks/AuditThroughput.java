package io.sekisho.benchmarks;

import io.sekisho.audit.AuditKeys;
import io.sekisho.audit.AuditLog;
import io.sekisho.audit.AuditLogOptions;
import io.sekisho.audit.AuditRecord;
import io.sekisho.audit.AuditVerifier;
import io.sekisho.audit.Evidence;
import io.sekisho.audit.VerifyReport;
import io.sekisho.decide.Action;
import io.sekisho.decide.Decision;
import io.sekisho.extract.ExtractedPart;
import io.sekisho.extract.ExtractionResult;
import io.sekisho.extract.ExtractionStatus;
import io.sekisho.inspect.Inspection;
import io.sekisho.match.Match;
import io.sekisho.match.Passage;
import io.sekisho.transfer.Channel;
import io.sekisho.transfer.Transfer;
import io.sekisho.transfer.TransferPart;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Audit records per second with durable writes (every append waits for its group's fsync), at 1
 * and at 64 concurrent writers, and the time to verify a log of 10^6 records with signatures.
 * Records are realistic decision records (one part, one match with two passages, evidence HASH,
 * about 1 KB each); checkpoints are signed every 1000 records, as by default.
 * Usage: {@code java -cp benchmarks/target/benchmarks.jar io.sekisho.benchmarks.AuditThroughput [seconds] [verifyRecords] [dir]}.
 */
public final class AuditThroughput {
    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int verifyRecords = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        Path base = args.length > 2 ? Files.createDirectories(Path.of(args[2])) : Files.createTempDirectory("sekisho-audit");
        KeyPair keys = AuditKeys.generate();
        AuditLogOptions options = AuditLogOptions.defaults().withInstance("bench").withSigningKey(keys.getPrivate());
        System.out.println("log folder: " + base + " (" + Files.getFileStore(base).type() + ")");
        for (int writers : new int[] {1, 64}) {
            Path dir = base.resolve("writers-" + writers);
            throughput(dir, options, writers, Duration.ofSeconds(seconds));
            Folders.delete(dir);
        }
        Path big = base.resolve("verify");
        long t0 = System.nanoTime();
        try (AuditLog log = AuditLog.open(big, options)) {
            List<CompletableFuture<?>> pending = new ArrayList<>();
            for (int i = 0; i < verifyRecords; i++) {
                pending.add(log.appendAsync(record(i)));
                if (pending.size() == 20_000) {
                    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
                    pending.clear();
                }
            }
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
        }
        double write = (System.nanoTime() - t0) / 1e9;
        long bytes;
        try (Stream<Path> files = Files.list(big)) {
            bytes = files.mapToLong(f -> f.toFile().length()).sum();
        }
        long v0 = System.nanoTime();
        VerifyReport report = AuditVerifier.verify(big, keys.getPublic(), null);
        double verify = (System.nanoTime() - v0) / 1e9;
        System.out.printf(Locale.ROOT, "verify: %,d records (%,d checkpoints, %.0f MB) in %.1f s (%,.0f records/s), ok=%s "
                        + "[written in %.1f s with pipelined appends]%n",
                report.records(), report.checkpoints(), bytes / 1e6, verify, report.records() / verify, report.ok(), write);
        Folders.delete(big);
    }

    private static void throughput(Path dir, AuditLogOptions options, int writers, Duration duration) throws Exception {
        AtomicLong count = new AtomicLong();
        AtomicLong latencyNanos = new AtomicLong();
        try (AuditLog log = AuditLog.open(dir, options)) {
            for (int i = 0; i < 200; i++) {
                log.append(record(i));
            }
            long end = System.nanoTime() + duration.toNanos();
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                Thread t = new Thread(() -> {
                    for (int i = 0; System.nanoTime() < end; i++) {
                        long s = System.nanoTime();
                        try {
                            log.append(record(writer * 100_000_000 + i));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        latencyNanos.addAndGet(System.nanoTime() - s);
                        count.incrementAndGet();
                    }
                });
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join();
            }
        }
        double secs = duration.toNanos() / 1e9;
        System.out.printf(Locale.ROOT, "durable appends, %2d writer(s): %,9.0f records/s (mean latency %.2f ms, %,d records in %.0f s)%n",
                writers, count.get() / secs, latencyNanos.get() / 1e6 / Math.max(1, count.get()), count.get(), secs);
    }

    private static final Path SPOOL = Path.of("/spool/none");
    private static final String TEXT = "x".repeat(2000);

    static AuditRecord record(int n) {
        Transfer t = new Transfer("inc-" + n, Channel.SMTP, Instant.now(), "user" + (n % 500) + "@example.com",
                "192.0.2." + (n % 250), List.of("partner" + (n % 50) + "@partner.example", "cc@partner.example"), null,
                List.of(new TransferPart("report-" + n + ".docx",
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", 48_213,
                        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", SPOOL)));
        ExtractedPart part = new ExtractedPart("report-" + n + ".docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document", 48_213,
                ExtractionStatus.COMPLETE, null, TEXT);
        Match m = new Match("doc-" + (n % 1000), "secret", null, null, 412, 0.031, 0.22,
                List.of(new Passage(part.path(), 100, 612), new Passage(part.path(), 900, 1300)));
        Inspection inspection = new Inspection(part.path(), ExtractionResult.of(List.of(part)), List.of(m));
        Decision d = new Decision(n % 3 == 0 ? Action.BLOCK : Action.LOG, "secret-outside", "high", "blocked",
                "sha256:4c1f0e", List.of());
        return AuditRecord.of(t, List.of(inspection), d, "bench", Evidence.HASH);
    }
}
