package io.sekisho.act;

import io.sekisho.audit.AdminEvent;
import io.sekisho.audit.AuditLog;
import io.sekisho.audit.AuditLogOptions;
import io.sekisho.audit.AuditReader;
import io.sekisho.audit.AuditVerifier;
import io.sekisho.audit.StoredRecord;
import io.sekisho.transfer.Channel;
import io.sekisho.transfer.Transfer;
import io.sekisho.transfer.TransferPart;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.SecretKey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QuarantineStoreTest {
    static final String SECRET = "The reactor vessel is annealed at 640 degrees for 9 hours.";

    @TempDir
    Path tmp;

    private SecretKey key;
    private AuditLog audit;
    private QuarantineStore store;
    private Path quarantine;

    @BeforeEach
    void open() throws Exception {
        key = QuarantineKey.generate(tmp.resolve("quarantine.key"));
        audit = AuditLog.open(tmp.resolve("audit"), AuditLogOptions.defaults().withInstance("gw-test"));
        quarantine = tmp.resolve("quarantine");
        store = new QuarantineStore(quarantine, key, audit);
    }

    @AfterEach
    void close() {
        audit.close();
    }

    static Transfer mail(Path tmp, String id) throws IOException {
        Path spool = tmp.resolve(id + ".eml");
        Files.writeString(spool, "From: alice@example.com\r\nTo: bob@partner.example\r\n\r\n" + SECRET + "\r\n");
        return new Transfer(id, Channel.SMTP, Instant.parse("2026-11-26T09:00:00Z"), "alice@example.com",
                "192.0.2.10", List.of("bob@partner.example"), null,
                List.of(new TransferPart("message.eml", "message/rfc822", Files.size(spool), "00".repeat(32), spool)));
    }

    @Test
    void keepsTheTransferWholeAndEncryptedAtRest() throws Exception {
        Transfer t = mail(tmp, "inc-1");
        store.put(t);

        byte[] stored = Files.readAllBytes(quarantine.resolve("inc-1.skq"));
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("annealed").doesNotContain("alice@");
        QuarantinedTransfer opened = store.open("inc-1");
        assertThat(opened.contents()).singleElement().isEqualTo(t.parts().get(0).content().bytes());
        assertThat(opened.entry().sender()).isEqualTo("alice@example.com");
        assertThat(store.list().entries()).extracting(QuarantineEntry::id).containsExactly("inc-1");
    }

    @Test
    void releaseDeliversRecordsWhoAndWhyAndMarksItReleased() throws Exception {
        store.put(mail(tmp, "inc-2"));
        List<QuarantinedTransfer> delivered = new ArrayList<>();

        QuarantineEntry released = store.release("inc-2", "sato", "approved by legal", target(delivered));

        assertThat(delivered).hasSize(1);
        assertThat(released.state()).isEqualTo(QuarantineEntry.State.RELEASED);
        assertThat(store.show("inc-2").stateBy()).isEqualTo("sato");
        List<StoredRecord> records = AuditReader.incident(tmp.resolve("audit"), "inc-2");
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.json().path("event").asText()).isEqualTo(AdminEvent.QUARANTINE_RELEASED);
            assertThat(r.json().path("by").asText()).isEqualTo("sato");
            assertThat(r.json().path("reason").asText()).isEqualTo("approved by legal");
        });
        assertThatThrownBy(() -> store.release("inc-2", "sato", "again", target(delivered)))
                .isInstanceOf(QuarantineException.class).hasMessageContaining("already released by sato");
    }

    @Test
    void deleteRecordsWhoAndWhyAndLeavesATombstone() throws Exception {
        store.put(mail(tmp, "inc-3"));

        store.delete("inc-3", "sato", "personal mail, no business content");

        assertThat(quarantine.resolve("inc-3.skq")).doesNotExist();
        assertThat(store.show("inc-3").state()).isEqualTo(QuarantineEntry.State.DELETED);
        assertThat(AuditReader.incident(tmp.resolve("audit"), "inc-3")).singleElement()
                .satisfies(r -> assertThat(r.json().path("event").asText()).isEqualTo(AdminEvent.QUARANTINE_DELETED));
    }

    @Test
    void aWrongKeyIsToldApartAndNothingIsDeleted() throws Exception {
        store.put(mail(tmp, "inc-4"));
        QuarantineStore other = new QuarantineStore(quarantine, QuarantineKey.generate(tmp.resolve("other.key")), audit);

        assertThatThrownBy(() -> other.delete("inc-4", "mallory", "cleanup"))
                .isInstanceOf(QuarantineException.class)
                .satisfies(e -> assertThat(((QuarantineException) e).reason()).isEqualTo(QuarantineException.Reason.WRONG_KEY));
        assertThat(quarantine.resolve("inc-4.skq")).exists();
        assertThat(AuditReader.incident(tmp.resolve("audit"), "inc-4")).isEmpty();
    }

    @Test
    void aDamagedFileIsReportedAndNothingIsDeleted() throws Exception {
        store.put(mail(tmp, "inc-5"));
        Path file = quarantine.resolve("inc-5.skq");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 20] ^= 1;
        Files.write(file, bytes);

        assertThatThrownBy(() -> store.delete("inc-5", "sato", "x"))
                .isInstanceOf(QuarantineException.class).hasMessageContaining("inc-5 is damaged");
        assertThatThrownBy(() -> store.open("inc-5")).isInstanceOf(QuarantineException.class);
        assertThat(file).exists();
    }

    @Test
    void aFileRenamedToAnotherIdFailsAuthentication() throws Exception {
        store.put(mail(tmp, "inc-6"));
        Files.move(quarantine.resolve("inc-6.skq"), quarantine.resolve("inc-7.skq"));

        assertThatThrownBy(() -> store.show("inc-7")).isInstanceOf(QuarantineException.class)
                .hasMessageContaining("damaged");
    }

    @Test
    void anUnknownIdIsAClearError() {
        assertThatThrownBy(() -> store.release("no-such", "sato", "x", target(new ArrayList<>())))
                .isInstanceOf(QuarantineException.class).hasMessage("no quarantine entry no-such");
        assertThatThrownBy(() -> store.show("../../etc/passwd")).isInstanceOf(QuarantineException.class);
    }

    @Test
    void aFailedDeliveryIsRecordedAndTheTransferStaysHeld() throws Exception {
        store.put(mail(tmp, "inc-8"));
        ReleaseTarget broken = new ReleaseTarget() {
            @Override
            public void deliver(QuarantinedTransfer transfer) throws IOException {
                throw new IOException("next hop said 421");
            }

            @Override
            public String describe() {
                return "smtp:mx.partner.example:25";
            }
        };

        assertThatThrownBy(() -> store.release("inc-8", "sato", "approved", broken))
                .isInstanceOf(QuarantineException.class).hasMessageContaining("421");

        assertThat(store.show("inc-8").state()).isEqualTo(QuarantineEntry.State.HELD);
        assertThat(AuditReader.incident(tmp.resolve("audit"), "inc-8")).extracting(r -> r.json().path("event").asText())
                .containsExactly(AdminEvent.QUARANTINE_RELEASED, AdminEvent.QUARANTINE_RELEASE_FAILED);
    }

    @Test
    void nothingIsReleasedWhenTheAuditLogCannotRecordIt() throws Exception {
        store.put(mail(tmp, "inc-9"));
        audit.close();
        List<QuarantinedTransfer> delivered = new ArrayList<>();

        assertThatThrownBy(() -> store.release("inc-9", "sato", "approved", target(delivered)))
                .isInstanceOf(QuarantineException.class).hasMessageContaining("nothing was done");
        assertThat(delivered).isEmpty();
        assertThat(AuditVerifier.verify(tmp.resolve("audit"), null, null).ok()).isTrue();
    }

    private static ReleaseTarget target(List<QuarantinedTransfer> delivered) {
        return new ReleaseTarget() {
            @Override
            public void deliver(QuarantinedTransfer transfer) {
                delivered.add(transfer);
            }

            @Override
            public String describe() {
                return "test";
            }
        };
    }
}
