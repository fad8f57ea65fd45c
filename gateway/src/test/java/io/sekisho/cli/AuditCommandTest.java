package io.sekisho.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.sekisho.audit.AuditFixtures;
import io.sekisho.audit.AuditKeys;
import io.sekisho.audit.AuditLog;
import io.sekisho.audit.AuditLogOptions;
import io.sekisho.audit.Evidence;
import io.sekisho.decide.Action;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The auditor's session, through the real command line. */
class AuditCommandTest {
    @TempDir
    Path tmp;

    private Path log;
    private Path key;
    private Path pub;

    @BeforeEach
    void writeLog() throws Exception {
        key = tmp.resolve("audit.key");
        pub = tmp.resolve("audit.pub");
        Cli keygen = Cli.run("audit", "keygen", "--key", key, "--public-key", pub);
        assertThat(keygen.exitCode()).as(keygen.err()).isZero();
        log = tmp.resolve("log");
        try (AuditLog audit = AuditLog.open(log, AuditLogOptions.defaults().withInstance("gw-1")
                .withSigningKey(AuditKeys.readPrivateKey(key)).withCheckpoints(5, Duration.ofMinutes(1)))) {
            audit.append(AuditFixtures.record("inc-a", Action.BLOCK, "alice@example.com", "reactor-design", "top-secret", Evidence.HASH));
            audit.append(AuditFixtures.record("inc-b", Action.LOG, "bob@example.com", "alloy-process", "secret", Evidence.HASH));
            audit.append(AuditFixtures.record("inc-c", Action.QUARANTINE, "Alice@Example.com", "alloy-process", "secret", Evidence.NONE));
            audit.append(AuditFixtures.record("inc-d", Action.TEMPFAIL, "carol@example.com", null, null, Evidence.HASH));
        }
    }

    @Test
    void keygenWritesAPrivateKeyOnlyItsOwnerCanRead() throws Exception {
        assertThat(Files.getPosixFilePermissions(key)).containsExactlyInAnyOrder(
                PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Files.readString(pub)).startsWith("-----BEGIN PUBLIC KEY-----");
        Cli again = Cli.run("audit", "keygen", "--key", key, "--public-key", tmp.resolve("other.pub"));
        assertThat(again.exitCode()).isEqualTo(Main.EXIT_ERROR);
        assertThat(again.err()).contains("never overwritten");
    }

    @Test
    void verifyPassesAnIntactLogWithTheRightKey() {
        Cli verify = Cli.run("audit", "verify", log, "--public-key", pub);

        assertThat(verify.exitCode()).as(verify.out()).isEqualTo(Main.EXIT_OK);
        assertThat(verify.lines()).last().asString().startsWith("OK: 5 records, 1 checkpoints, last seq 5, signatures checked");
    }

    @Test
    void verifyFailsAndSaysWhereAByteChanged() throws Exception {
        Path segment = log.resolve("audit-000001.jsonl");
        Files.writeString(segment, Files.readString(segment).replaceFirst("bob@example.com", "bob@example.org"));

        Cli verify = Cli.run("audit", "verify", log, "--public-key", pub);

        assertThat(verify.exitCode()).isEqualTo(Main.EXIT_FOUND);
        assertThat(verify.out()).contains("altered: audit-000001.jsonl:2 (offset ").contains("seq 2)");
        assertThat(verify.lines()).last().asString().startsWith("FAILED: 1 problem(s)");
    }

    @Test
    void verifyFailsWithAnotherKeysPublicKey() {
        Path otherKey = tmp.resolve("other.key");
        Path otherPub = tmp.resolve("other.pub");
        Cli.run("audit", "keygen", "--key", otherKey, "--public-key", otherPub);

        Cli verify = Cli.run("audit", "verify", log, "--public-key", otherPub);

        assertThat(verify.exitCode()).isEqualTo(Main.EXIT_FOUND);
        assertThat(verify.out()).contains("other-key:").contains("bad-signature:");
    }

    @Test
    void anExportedCheckpointRevealsALaterTruncation() throws Exception {
        Path exported = tmp.resolve("checkpoint.json");
        assertThat(Cli.run("audit", "export-checkpoint", log, "--output", exported).exitCode()).isZero();
        Path segment = log.resolve("audit-000001.jsonl");
        List<String> lines = Files.readAllLines(segment);
        Files.write(segment, lines.subList(0, 3));

        Cli verify = Cli.run("audit", "verify", log, "--public-key", pub, "--checkpoint", exported);

        assertThat(verify.exitCode()).isEqualTo(Main.EXIT_FOUND);
        assertThat(verify.out()).contains("truncated:").contains("the log ends at seq 3").contains("reached seq 5");
    }

    @Test
    void verifyOfAMissingFolderIsAUsageError() {
        Cli verify = Cli.run("audit", "verify", tmp.resolve("nowhere"));

        assertThat(verify.exitCode()).isEqualTo(Main.EXIT_ERROR);
        assertThat(verify.err()).contains("is not a folder");
    }

    @Test
    void queryFindsIncidentsBySenderWithoutCaseAndByDocument() {
        Cli bySender = Cli.run("audit", "query", log, "--sender", "alice@example.com", "--json");
        Cli byDocument = Cli.run("audit", "query", log, "--document", "alloy-process", "--json");
        Cli byDomainAndAction = Cli.run("audit", "query", log, "--sender", "@example.com", "--action", "block,quarantine", "--json");

        assertThat(bySender.json()).extracting(j -> j.path("incident").asText()).containsExactly("inc-a", "inc-c");
        assertThat(byDocument.json()).extracting(j -> j.path("incident").asText()).containsExactly("inc-b", "inc-c");
        assertThat(byDomainAndAction.json()).extracting(j -> j.path("incident").asText()).containsExactly("inc-a", "inc-c");
    }

    @Test
    void queryFiltersByClassificationAndTimeAndWritesCsv() {
        Cli csv = Cli.run("audit", "query", log, "--classification", "top-secret", "--since", "2026-11-26",
                "--until", "2026-11-27", "--csv");
        Cli none = Cli.run("audit", "query", log, "--since", "2026-11-27");

        assertThat(csv.exitCode()).isZero();
        assertThat(csv.lines()).hasSize(2);
        assertThat(csv.lines().get(1)).contains(",inc-a,smtp,block,no-secret-outside,alice@example.com,bob@partner.example,reactor-design,top-secret,");
        assertThat(none.lines()).containsExactly("0 record(s)");
    }

    @Test
    void showPrintsTheWholeRecordOfAnIncident() {
        Cli show = Cli.run("audit", "show", log, "inc-a");

        assertThat(show.exitCode()).isZero();
        assertThat(show.out()).contains("\"incident\" : \"inc-a\"").contains("\"policyRevision\" : \"sha256:policy-rev-1\"")
                .contains("\"documentId\" : \"reactor-design\"").contains("\"start\" : " + AuditFixtures.MATCH_START);
    }

    @Test
    void showOfAnUnknownIncidentIsAClearError() {
        Cli show = Cli.run("audit", "show", log, "inc-zzz");

        assertThat(show.exitCode()).isEqualTo(Main.EXIT_ERROR);
        assertThat(show.err()).contains("no incident 'inc-zzz'");
    }

    @Test
    void exportCheckpointPrintsTheNewestSignedCheckpoint() {
        Cli export = Cli.run("audit", "export-checkpoint", log);

        JsonNode checkpoint = export.json().get(0);
        assertThat(checkpoint.path("type").asText()).isEqualTo("checkpoint");
        assertThat(checkpoint.path("seq").asLong()).isEqualTo(5);
    }
}
