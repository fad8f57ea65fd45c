package io.sekisho.audit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A writer that dies or a disk that fails: nothing acknowledged is lost, nothing torn is hidden. */
class CrashRecoveryTest {
    @TempDir
    Path dir;

    private final KeyPair keys = AuditKeys.generate();

    private AuditLogOptions options() {
        return AuditFixtures.options(keys.getPrivate());
    }

    @Test
    void reportsATornLastRecordAndTheNextStartMovesItAsideAndContinues() throws Exception {
        try (AuditLog log = AuditLog.open(dir, options())) {
            for (int i = 1; i <= 12; i++) {
                log.append(AuditFixtures.record(i));
            }
        }
        // The last line is the checkpoint written on close (seq 14); cut it 100 bytes in.
        Path segment = dir.resolve("audit-000001.jsonl");
        List<String> lines = Files.readAllLines(segment);
        long lastStart = Files.size(segment) - lines.get(lines.size() - 1).length() - 1;
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ch.truncate(lastStart + 100);
        }

        VerifyReport torn = AuditVerifier.verify(dir, keys.getPublic(), null);
        assertThat(torn.problems()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(Finding.TORN_TAIL);
            assertThat(f.segment()).isEqualTo("audit-000001.jsonl");
            assertThat(f.offset()).isEqualTo(lastStart);
            assertThat(f.message()).startsWith("100 bytes after the last complete record (seq 13)");
        });

        try (AuditLog log = AuditLog.open(dir, options())) {
            assertThat(log.append(AuditFixtures.record(13)).seq()).isEqualTo(15);
        }
        Path moved = dir.resolve("torn-audit-000001-" + lastStart + ".bin");
        assertThat(moved).hasSize(100);
        VerifyReport after = AuditVerifier.verify(dir, keys.getPublic(), null);
        assertThat(after.problems()).isEmpty();
        assertThat(after.notes()).anyMatch(n -> n.contains("moved 100 unfinished bytes from audit-000001.jsonl offset "
                + lastStart + " to " + moved.getFileName()));
        assertThat(AuditReader.incident(dir, "inc-12")).hasSize(1);
    }

    @Test
    void aFailingDiskFailsTheWaitingAppendsAndTheLogRecoversWhenItWorksAgain() throws Exception {
        AtomicBoolean full = new AtomicBoolean();
        SegmentFile.Opener flaky = file -> {
            SegmentFile real = SegmentFile.DEFAULT.open(file);
            return new SegmentFile() {
                @Override
                public long size() throws IOException {
                    return real.size();
                }

                @Override
                public void write(ByteBuffer bytes) throws IOException {
                    if (full.get()) {
                        // Half a group reaches the disk, then the disk is full.
                        ByteBuffer half = bytes.duplicate();
                        half.limit(half.position() + half.remaining() / 2);
                        real.write(half);
                        throw new IOException("No space left on device");
                    }
                    real.write(bytes);
                }

                @Override
                public void force() throws IOException {
                    real.force();
                }

                @Override
                public void truncate(long size) throws IOException {
                    if (full.get()) {
                        throw new IOException("No space left on device");
                    }
                    real.truncate(size);
                }

                @Override
                public void close() throws IOException {
                    real.close();
                }
            };
        };
        AuditLog closed;
        try (AuditLog log = AuditLog.open(dir, options(), flaky)) {
            closed = log;
            log.append(AuditFixtures.record(1));
            assertThat(log.lastFailure()).isNull();
            full.set(true);
            Instant beforeFailure = Instant.now();
            assertThatThrownBy(() -> log.append(AuditFixtures.record(2)))
                    .isInstanceOf(AuditUnavailableException.class).hasMessageContaining("No space left on device");
            assertThatThrownBy(() -> log.append(AuditFixtures.record(3)))
                    .isInstanceOf(AuditUnavailableException.class);
            assertThat(log.lastFailure()).as("what readiness probes see").isAfterOrEqualTo(beforeFailure);
            full.set(false);
            // Seq 2 onwards: the records of the recovery that say which bytes were moved aside, then this one.
            assertThat(log.append(AuditFixtures.record(4)).seq()).isGreaterThan(2);
            assertThat(log.lastFailure()).as("writable again").isNull();
            assertThat(log.isOpen()).isTrue();
        }
        assertThat(closed.isOpen()).isFalse();
        VerifyReport report = AuditVerifier.verify(dir, keys.getPublic(), null);
        assertThat(report.problems()).isEmpty();
        assertThat(report.notes()).anyMatch(n -> n.contains("unfinished bytes"));
        assertThat(AuditReader.incident(dir, "inc-2")).isEmpty();
        assertThat(AuditReader.incident(dir, "inc-4")).hasSize(1);
    }

    @Test
    void aWriterKilledWithSigkillLosesNothingItAcknowledged() throws Exception {
        Path key = dir.resolveSibling(dir.getFileName() + "-key.pem");
        Path pub = dir.resolveSibling(dir.getFileName() + "-key.pub.pem");
        KeyPair pair = AuditKeys.generate(key, pub);
        Path log = dir.resolve("log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                KilledWriterMain.class.getName(), log.toString(), key.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        AtomicLong acknowledged = new AtomicLong();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    acknowledged.accumulateAndGet(Long.parseLong(line.strip()), Math::max);
                }
            } catch (IOException | NumberFormatException ignored) {
                // The child died mid-line: what it printed before counts.
            }
        });
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (acknowledged.get() < 2000 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        reader.join(5000);
        long promised = acknowledged.get();
        assertThat(promised).isGreaterThanOrEqualTo(2000);

        VerifyReport killed = AuditVerifier.verify(log, pair.getPublic(), null);
        assertThat(killed.problems()).allSatisfy(f -> assertThat(f.kind()).isEqualTo(Finding.TORN_TAIL));
        assertThat(killed.lastSeq()).isGreaterThanOrEqualTo(promised);

        try (AuditLog reopened = AuditLog.open(log, AuditLogOptions.defaults().withInstance("gw-test")
                .withSigningKey(pair.getPrivate()))) {
            reopened.append(AuditFixtures.record(1));
        }
        VerifyReport after = AuditVerifier.verify(log, pair.getPublic(), null);
        assertThat(after.problems()).isEmpty();
        Set<Long> seqs = new HashSet<>();
        List<Long> order = new ArrayList<>();
        AuditReader.forEach(log, r -> {
            seqs.add(r.seq());
            order.add(r.seq());
        });
        for (long s = 1; s <= promised; s++) {
            assertThat(seqs).contains(s);
        }
    }
}
