package io.sekisho.audit;

import io.sekisho.decide.Action;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuditLogTest {
    @TempDir
    Path dir;

    private final KeyPair keys = AuditKeys.generate();

    private AuditLogOptions options() {
        return AuditFixtures.options(keys.getPrivate());
    }

    @Test
    void appendsChainedRecordsThatVerify() throws Exception {
        try (AuditLog log = AuditLog.open(dir, options())) {
            Appended first = log.append(AuditFixtures.record(1));
            Appended second = log.append(AuditFixtures.record(2));
            assertThat(first.seq()).isEqualTo(1);
            assertThat(second.seq()).isEqualTo(2);
        }
        List<String> lines = Files.readAllLines(dir.resolve("audit-000001.jsonl"));
        assertThat(lines.get(0)).startsWith("{\"seq\":1,\"type\":\"decision\",\"incident\":\"inc-1\"")
                .contains("\"prev\":\"" + "0".repeat(64) + "\"");
        assertThat(lines.get(1)).contains("\"prev\":\"" + lines.get(0).substring(lines.get(0).length() - 66, lines.get(0).length() - 2));
        assertThat(lines.get(2)).contains("\"type\":\"checkpoint\"");
        VerifyReport report = AuditVerifier.verify(dir, keys.getPublic(), null);
        assertThat(report.problems()).isEmpty();
        assertThat(report.records()).isEqualTo(3);
        assertThat(report.checkpoints()).isEqualTo(1);
    }

    @Test
    void signsACheckpointEveryNRecords() throws Exception {
        try (AuditLog log = AuditLog.open(dir, options())) {
            for (int i = 0; i < 25; i++) {
                log.append(AuditFixtures.record(i));
            }
            assertThat(AuditReader.lastCheckpoint(dir)).get().extracting(StoredRecord::seq).isEqualTo(22L);
        }
        assertThat(AuditVerifier.verify(dir, keys.getPublic(), null).checkpoints()).isEqualTo(3);
    }

    @Test
    void signsEveryNRecordsEvenInsideOneLargeGroup() throws Exception {
        try (AuditLog log = AuditLog.open(dir, options())) {
            List<java.util.concurrent.CompletableFuture<Appended>> pending = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                pending.add(log.appendAsync(AuditFixtures.record(i)));
            }
            pending.forEach(java.util.concurrent.CompletableFuture::join);
        }
        List<Long> checkpoints = new ArrayList<>();
        AuditReader.forEach(dir, r -> {
            if (r.type().equals("checkpoint")) {
                checkpoints.add(r.json().path("coversSeq").asLong());
            }
        });
        assertThat(checkpoints).hasSize(50);
        for (int i = 1; i < checkpoints.size(); i++) {
            assertThat(checkpoints.get(i) - checkpoints.get(i - 1)).isEqualTo(11);
        }
    }

    @Test
    void signsACheckpointAfterTheIntervalEvenWhenIdle() throws Exception {
        try (AuditLog log = AuditLog.open(dir, options().withCheckpoints(1000, Duration.ofMillis(200)))) {
            log.append(AuditFixtures.record(1));
            Thread.sleep(1000);
            assertThat(AuditReader.lastCheckpoint(dir)).get().extracting(StoredRecord::seq).isEqualTo(2L);
        }
    }

    @Test
    void continuesTheChainAfterReopening() throws Exception {
        try (AuditLog log = AuditLog.open(dir, options())) {
            log.append(AuditFixtures.record(1));
        }
        try (AuditLog log = AuditLog.open(dir, options())) {
            assertThat(log.append(AuditFixtures.record(2)).seq()).isEqualTo(3);
        }
        assertThat(AuditVerifier.verify(dir, keys.getPublic(), null).problems()).isEmpty();
    }

    @Test
    void rotatesSegmentsBySizeAndChainsAcrossThem() throws Exception {
        try (AuditLog log = AuditLog.open(dir, options().withRotation(4000, Duration.ofDays(1)))) {
            for (int i = 0; i < 40; i++) {
                log.append(AuditFixtures.record(i));
            }
        }
        List<Path> segments = Segments.list(dir);
        assertThat(segments).hasSizeGreaterThan(3);
        String firstOfSecond = Files.readAllLines(segments.get(1)).get(0);
        List<String> firstSegment = Files.readAllLines(segments.get(0));
        String lastOfFirst = firstSegment.get(firstSegment.size() - 1);
        assertThat(firstOfSecond).contains("\"prev\":\"" + lastOfFirst.substring(lastOfFirst.length() - 66, lastOfFirst.length() - 2) + "\"");
        assertThat(AuditVerifier.verify(dir, keys.getPublic(), null).problems()).isEmpty();
    }

    @Test
    void retentionRemovesOldSegmentsAndRecordsWhereTheChainNowStarts() throws Exception {
        try (AuditLog log = AuditLog.open(dir, options().withRotation(4000, Duration.ofDays(1)))) {
            for (int i = 0; i < 20; i++) {
                log.append(AuditFixtures.record(i));
            }
        }
        for (Path segment : Segments.list(dir)) {
            Files.setLastModifiedTime(segment, java.nio.file.attribute.FileTime.from(java.time.Instant.parse("2020-01-01T00:00:00Z")));
        }
        try (AuditLog log = AuditLog.open(dir, options().withRotation(4000, Duration.ofDays(1)).withRetention(Duration.ofDays(365)))) {
            for (int i = 0; i < 20; i++) {
                log.append(AuditFixtures.record(i));
            }
        }
        assertThat(Segments.list(dir).get(0).getFileName().toString()).isNotEqualTo("audit-000001.jsonl");
        VerifyReport report = AuditVerifier.verify(dir, keys.getPublic(), null);
        assertThat(report.problems()).isEmpty();
        assertThat(report.notes()).anyMatch(n -> n.contains("removed by retention"));
    }

    @Test
    void concurrentWritersShareOneValidChain() throws Exception {
        int writers = 64;
        int each = 50;
        Set<Long> seqs = java.util.concurrent.ConcurrentHashMap.newKeySet();
        try (AuditLog log = AuditLog.open(dir, options().withCheckpoints(100, Duration.ofSeconds(1)))) {
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        seqs.add(log.append(AuditFixtures.record(writer * 1000 + i)).seq());
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            pool.shutdown();
        }
        assertThat(seqs).hasSize(writers * each);
        VerifyReport report = AuditVerifier.verify(dir, keys.getPublic(), null);
        assertThat(report.problems()).isEmpty();
        Set<String> incidents = new HashSet<>();
        AuditReader.forEach(dir, r -> {
            if (r.incident() != null) {
                incidents.add(r.incident());
            }
        });
        assertThat(incidents).hasSize(writers * each);
    }

    @Test
    void refusesASecondWriterOnTheSameFolder() throws Exception {
        try (AuditLog log = AuditLog.open(dir, options())) {
            assertThatThrownBy(() -> AuditLog.open(dir, options()))
                    .isInstanceOf(AuditUnavailableException.class).hasMessageContaining("in use");
        }
    }

    @Test
    void aClosedLogRefusesRecords() throws Exception {
        AuditLog log = AuditLog.open(dir, options());
        log.close();
        assertThatThrownBy(() -> log.append(AuditFixtures.record(1))).isInstanceOf(AuditUnavailableException.class);
    }

    @Test
    void recordsTheExcerptOnlyWhenAskedTo() {
        assertThat(RecordCodec.encode(1, AuditFixtures.record("a", Action.BLOCK, "s", "doc-1", "secret", Evidence.NONE), Hashes.GENESIS).line())
                .asString().doesNotContain("annealed").doesNotContain("\"sha256\":\"" + Hashes.sha256Hex(span()));
        assertThat(new String(RecordCodec.encode(1, AuditFixtures.record("a", Action.BLOCK, "s", "doc-1", "secret", Evidence.HASH), Hashes.GENESIS).line()))
                .doesNotContain("annealed").contains("\"sha256\":\"" + Hashes.sha256Hex(span()) + "\"");
        assertThat(new String(RecordCodec.encode(1, AuditFixtures.record("a", Action.BLOCK, "s", "doc-1", "secret", Evidence.EXCERPT), Hashes.GENESIS).line()))
                .contains("\"excerpt\":\"" + new String(span()) + "\"");
    }

    private static byte[] span() {
        return AuditFixtures.PART_TEXT.substring(AuditFixtures.MATCH_START, AuditFixtures.MATCH_END).getBytes();
    }
}
