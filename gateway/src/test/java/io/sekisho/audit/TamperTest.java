package io.sekisho.audit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every kind of edit an insider could make to the files, and what verify says about it. */
class TamperTest {
    @TempDir
    Path dir;

    private final KeyPair keys = AuditKeys.generate();
    private Path segment;

    @BeforeEach
    void writeLog() throws Exception {
        try (AuditLog log = AuditLog.open(dir, AuditFixtures.options(keys.getPrivate()))) {
            for (int i = 1; i <= 30; i++) {
                log.append(AuditFixtures.record(i));
            }
        }
        segment = dir.resolve("audit-000001.jsonl");
        assertThat(verify().ok()).isTrue();
    }

    @Test
    void detectsAChangedByte() throws IOException {
        byte[] bytes = Files.readAllBytes(segment);
        int at = new String(bytes, StandardCharsets.UTF_8).indexOf("alice@example.com", (int) lineOffset(5));
        bytes[at] = 'A';
        Files.write(segment, bytes);

        VerifyReport report = verify();

        assertThat(report.problems()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(Finding.ALTERED);
            assertThat(f.line()).isEqualTo(6);
            assertThat(f.seq()).isEqualTo(6);
            assertThat(f.offset()).isEqualTo(lineOffset(5));
        });
    }

    @Test
    void detectsARecordEditedWithItsHashRecomputed() throws IOException {
        List<String> lines = lines();
        String edited = lines.get(3).replace("\"action\":\"block\"", "\"action\":\"allow\"");
        lines.set(3, rehash(edited));
        write(lines);

        VerifyReport report = verify();

        assertThat(report.problems()).extracting(Finding::kind).contains(Finding.BROKEN_LINK);
        assertThat(report.problems()).filteredOn(f -> f.kind().equals(Finding.BROKEN_LINK))
                .first().extracting(Finding::seq).isEqualTo(5L);
    }

    @Test
    void detectsARemovedRecord() throws IOException {
        List<String> lines = lines();
        lines.remove(6);
        write(lines);

        VerifyReport report = verify();

        assertThat(report.problems()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(Finding.REMOVED);
            assertThat(f.message()).contains("record seq 7 is missing");
            assertThat(f.line()).isEqualTo(7);
        });
    }

    @Test
    void detectsAnInsertedRecord() throws IOException {
        List<String> lines = lines();
        lines.add(4, lines.get(2));
        write(lines);

        VerifyReport report = verify();

        assertThat(report.problems()).extracting(Finding::kind).contains(Finding.INSERTED);
        assertThat(report.problems()).filteredOn(f -> f.kind().equals(Finding.INSERTED)).first()
                .satisfies(f -> assertThat(f.line()).isEqualTo(5));
    }

    @Test
    void detectsReorderedRecords() throws IOException {
        List<String> lines = lines();
        Collections.swap(lines, 3, 4);
        write(lines);

        VerifyReport report = verify();

        assertThat(report.problems()).extracting(Finding::kind).containsExactly(Finding.REORDERED);
        assertThat(report.problems().get(0).seq()).isEqualTo(4);
    }

    @Test
    void detectsATruncatedTailInTheMiddleOfARecord() throws IOException {
        long size = Files.size(segment);
        try (var ch = java.nio.channels.FileChannel.open(segment, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(size - 40);
        }

        VerifyReport report = verify();

        assertThat(report.problems()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(Finding.TORN_TAIL);
            assertThat(f.offset()).isEqualTo(lineOffset(lines().size() - 1));
        });
    }

    @Test
    void detectsWholeRecordsCutFromTheEndAgainstAnExportedCheckpoint() throws IOException {
        Path exported = dir.resolveSibling(dir.getFileName() + "-checkpoint.json");
        Files.writeString(exported, AuditReader.lastCheckpoint(dir).orElseThrow().raw() + "\n");
        List<String> lines = lines();
        write(lines.subList(0, 20));

        VerifyReport withoutExport = verify();
        VerifyReport report = AuditVerifier.verify(dir, keys.getPublic(), exported);

        assertThat(withoutExport.ok()).isTrue();
        assertThat(report.problems()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(Finding.TRUNCATED);
            assertThat(f.message()).contains("ends at seq 20").contains("reached seq 33");
        });
    }

    @Test
    void detectsARollbackRewrittenAfterAnExportedCheckpoint() throws Exception {
        Path exported = dir.resolveSibling(dir.getFileName() + "-checkpoint.json");
        Files.writeString(exported, AuditReader.lastCheckpoint(dir).orElseThrow().raw() + "\n");
        write(lines().subList(0, 20));
        try (AuditLog log = AuditLog.open(dir, AuditFixtures.options(keys.getPrivate()))) {
            for (int i = 0; i < 20; i++) {
                log.append(AuditFixtures.record(100 + i));
            }
        }

        VerifyReport report = AuditVerifier.verify(dir, keys.getPublic(), exported);

        assertThat(report.problems()).extracting(Finding::kind).containsExactly(Finding.TRUNCATED);
        assertThat(report.problems().get(0).message()).contains("rolled back");
    }

    @Test
    void detectsASignatureByAnotherKey() throws Exception {
        KeyPair other = AuditKeys.generate();

        VerifyReport report = AuditVerifier.verify(dir, other.getPublic(), null);

        assertThat(report.problems()).extracting(Finding::kind).contains(Finding.OTHER_KEY, Finding.BAD_SIGNATURE);
        assertThat(report.problems()).filteredOn(f -> f.kind().equals(Finding.BAD_SIGNATURE)).hasSize(3);
    }

    @Test
    void detectsAChainRewrittenFromScratchByItsSignatures() throws IOException {
        List<String> lines = lines();
        List<String> forged = new ArrayList<>();
        String prev = Hashes.GENESIS;
        for (String line : lines) {
            String changed = line.replaceAll("\"prev\":\"[0-9a-f]{64}\"", "\"prev\":\"" + prev + "\"")
                    .replaceAll("\"coversHash\":\"[0-9a-f]{64}\"", "\"coversHash\":\"" + prev + "\"")
                    .replace("alice@example.com", "carol@example.com");
            changed = rehash(changed);
            prev = changed.substring(changed.length() - 66, changed.length() - 2);
            forged.add(changed);
        }
        write(forged);

        VerifyReport report = verify();

        assertThat(report.problems()).extracting(Finding::kind).containsExactly(Finding.BAD_SIGNATURE, Finding.BAD_SIGNATURE, Finding.BAD_SIGNATURE);
    }

    @Test
    void detectsADeletedSegment() throws Exception {
        try (AuditLog log = AuditLog.open(dir, AuditLogOptions.defaults().withInstance("gw-test")
                .withSigningKey(keys.getPrivate()).withRotation(3000, Duration.ofDays(1)))) {
            for (int i = 0; i < 20; i++) {
                log.append(AuditFixtures.record(200 + i));
            }
        }
        Files.delete(dir.resolve("audit-000003.jsonl"));

        VerifyReport report = verify();

        assertThat(report.problems()).extracting(Finding::kind).contains(Finding.MISSING_SEGMENT, Finding.REMOVED);
    }

    @Test
    void detectsTheFirstSegmentRemovedWithoutARetentionRecord() throws Exception {
        try (AuditLog log = AuditLog.open(dir, AuditLogOptions.defaults().withInstance("gw-test")
                .withSigningKey(keys.getPrivate()).withRotation(3000, Duration.ofDays(1)))) {
            for (int i = 0; i < 20; i++) {
                log.append(AuditFixtures.record(200 + i));
            }
        }
        Files.delete(segment);

        assertThat(verify().problems()).extracting(Finding::kind).containsExactly(Finding.REMOVED);
    }

    private VerifyReport verify() throws IOException {
        return AuditVerifier.verify(dir, keys.getPublic(), null);
    }

    private List<String> lines() throws IOException {
        return new ArrayList<>(Files.readAllLines(segment, StandardCharsets.UTF_8));
    }

    private void write(List<String> lines) throws IOException {
        Files.writeString(segment, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    private long lineOffset(int index) {
        try {
            long offset = 0;
            List<String> lines = lines();
            for (int i = 0; i < index; i++) {
                offset += lines.get(i).getBytes(StandardCharsets.UTF_8).length + 1;
            }
            return offset;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What an attacker without the signing key can do: make a record's own hash consistent again. */
    static String rehash(String line) {
        String body = line.substring(0, line.length() - 75) + "}";
        return line.substring(0, line.length() - 75) + ",\"hash\":\"" + Hashes.sha256Hex(body.getBytes(StandardCharsets.UTF_8)) + "\"}";
    }
}
