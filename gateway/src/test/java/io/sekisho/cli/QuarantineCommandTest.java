package io.sekisho.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.sekisho.act.QuarantineKey;
import io.sekisho.act.QuarantineStore;
import io.sekisho.transfer.Channel;
import io.sekisho.transfer.Transfer;
import io.sekisho.transfer.TransferPart;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The security team's session, through the real command line: list, inspect, release, delete, each audited. */
class QuarantineCommandTest {
    private static final String MAIL = "From: alice@example.com\r\nTo: bob@partner.example\r\nSubject: Q3\r\n\r\n"
            + "The reactor vessel is annealed at 640 degrees for 9 hours.\r\n";

    @TempDir
    Path tmp;

    private Path key;
    private Path quarantine;
    private Path audit;
    private Path auditKey;
    private Path auditPub;

    @BeforeEach
    void quarantineTwoMails() throws Exception {
        key = tmp.resolve("quarantine.key");
        assertThat(Cli.run("quarantine", "keygen", "--key", key).exitCode()).isZero();
        auditKey = tmp.resolve("audit.key");
        auditPub = tmp.resolve("audit.pub");
        assertThat(Cli.run("audit", "keygen", "--key", auditKey, "--public-key", auditPub).exitCode()).isZero();
        quarantine = tmp.resolve("quarantine");
        audit = tmp.resolve("audit");
        QuarantineStore store = new QuarantineStore(quarantine, QuarantineKey.read(key), null);
        store.put(mail("inc-1"));
        store.put(mail("inc-2"));
    }

    private Transfer mail(String id) throws Exception {
        Path spool = tmp.resolve(id + ".eml");
        Files.writeString(spool, MAIL);
        return new Transfer(id, Channel.SMTP, Instant.parse("2026-11-26T09:00:00Z"), "alice@example.com", "192.0.2.10",
                List.of("bob@partner.example"), null,
                List.of(new TransferPart("message.eml", "message/rfc822", Files.size(spool), "00".repeat(32), spool)));
    }

    @Test
    void keygenWritesABase64KeyOf32Bytes() throws Exception {
        assertThat(java.util.Base64.getDecoder().decode(Files.readString(key).strip())).hasSize(32);
    }

    @Test
    void listsAndShowsHeldTransfers() {
        Cli list = Cli.run("quarantine", "list", "--quarantine", quarantine, "--key", key);
        Cli json = Cli.run("quarantine", "list", "--quarantine", quarantine, "--key", key, "--json");
        Cli show = Cli.run("quarantine", "show", "--quarantine", quarantine, "--key", key, "inc-1");

        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.lines()).hasSize(2).first().asString()
                .startsWith("inc-1  held  ").contains("alice@example.com -> bob@partner.example  1 part(s)");
        assertThat(json.json()).extracting(j -> j.path("state").asText()).containsExactly("HELD", "HELD");
        assertThat(show.out()).contains("\"id\" : \"inc-1\"").contains("\"name\" : \"message.eml\"");
    }

    @Test
    void releaseWritesTheTransferAndTheAuditLogSaysWhoAndWhy() throws Exception {
        Path out = tmp.resolve("released.eml");

        Cli release = Cli.run("quarantine", "release", "--quarantine", quarantine, "--key", key, "--audit", audit,
                "--audit-key", auditKey, "--by", "sato", "--reason", "approved by legal (ticket 42)", "--output", out, "inc-1");

        assertThat(release.exitCode()).as(release.err()).isZero();
        assertThat(out).hasContent(MAIL);
        assertThat(Cli.run("quarantine", "list", "--quarantine", quarantine, "--key", key).lines().get(0))
                .contains("released by sato");
        JsonNode record = Cli.run("audit", "query", audit, "--json").json().get(0);
        assertThat(record.path("event").asText()).isEqualTo("quarantine-released");
        assertThat(record.path("incident").asText()).isEqualTo("inc-1");
        assertThat(record.path("by").asText()).isEqualTo("sato");
        assertThat(record.path("reason").asText()).isEqualTo("approved by legal (ticket 42)");
        assertThat(Cli.run("audit", "verify", audit, "--public-key", auditPub).exitCode()).isZero();

        Cli again = Cli.run("quarantine", "release", "--quarantine", quarantine, "--key", key, "--audit", audit,
                "--by", "sato", "--output", tmp.resolve("again.eml"), "inc-1");
        assertThat(again.exitCode()).isEqualTo(Main.EXIT_ERROR);
        assertThat(again.err()).contains("already released by sato");
    }

    @Test
    void deleteRemovesTheTransferAndIsAudited() {
        Cli delete = Cli.run("quarantine", "delete", "--quarantine", quarantine, "--key", key, "--audit", audit,
                "--by", "sato", "--reason", "private mail", "inc-2");

        assertThat(delete.exitCode()).as(delete.err()).isZero();
        assertThat(quarantine.resolve("inc-2.skq")).doesNotExist();
        assertThat(Cli.run("audit", "show", audit, "inc-2").out()).contains("\"event\" : \"quarantine-deleted\"")
                .contains("\"by\" : \"sato\"").contains("\"reason\" : \"private mail\"");
        assertThat(Cli.run("quarantine", "list", "--quarantine", quarantine, "--key", key).out())
                .contains("inc-2  deleted by sato");
    }

    @Test
    void anUnknownIdAWrongKeyAndADamagedFileAreClearErrorsThatDeleteNothing() throws Exception {
        Path otherKey = tmp.resolve("other.key");
        Cli.run("quarantine", "keygen", "--key", otherKey);
        Path file = quarantine.resolve("inc-1.skq");
        byte[] bytes = Files.readAllBytes(quarantine.resolve("inc-2.skq"));
        bytes[bytes.length - 1] ^= 0x55;
        Files.write(quarantine.resolve("inc-2.skq"), bytes);

        Cli unknown = Cli.run("quarantine", "delete", "--quarantine", quarantine, "--key", key, "--audit", audit, "--by", "sato", "inc-9");
        Cli wrongKey = Cli.run("quarantine", "delete", "--quarantine", quarantine, "--key", otherKey, "--audit", audit, "--by", "sato", "inc-1");
        Cli damaged = Cli.run("quarantine", "delete", "--quarantine", quarantine, "--key", key, "--audit", audit, "--by", "sato", "inc-2");

        assertThat(unknown.exitCode()).isEqualTo(Main.EXIT_ERROR);
        assertThat(unknown.err()).contains("no quarantine entry inc-9");
        assertThat(wrongKey.exitCode()).isEqualTo(Main.EXIT_ERROR);
        assertThat(wrongKey.err()).contains("is encrypted with key").contains("not with the given key");
        assertThat(damaged.exitCode()).isEqualTo(Main.EXIT_ERROR);
        assertThat(damaged.err()).contains("inc-2 is damaged");
        assertThat(file).exists();
        assertThat(quarantine.resolve("inc-2.skq")).exists();
        assertThat(Cli.run("audit", "query", audit).lines()).containsExactly("0 record(s)");
    }

    @Test
    void listNamesADamagedEntryAndExitsWithAnError() throws Exception {
        Files.write(quarantine.resolve("inc-2.skq"), new byte[] {1, 2, 3});

        Cli list = Cli.run("quarantine", "list", "--quarantine", quarantine, "--key", key);

        assertThat(list.exitCode()).isEqualTo(Main.EXIT_ERROR);
        assertThat(list.lines()).hasSize(1);
        assertThat(list.err()).contains("inc-2 is damaged");
    }
}
