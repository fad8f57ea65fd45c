package io.sekisho.gateway;

import io.sekisho.act.QuarantineKey;
import io.sekisho.act.QuarantineStore;
import io.sekisho.audit.AuditLog;
import io.sekisho.audit.AuditLogOptions;
import io.sekisho.audit.AuditReader;
import io.sekisho.audit.Evidence;
import io.sekisho.catalogue.Catalogue;
import io.sekisho.catalogue.OpenMode;
import io.sekisho.decide.Policy;
import io.sekisho.decide.PolicyLoader;
import io.sekisho.extract.ExtractedPart;
import io.sekisho.extract.ExtractionResult;
import io.sekisho.extract.ExtractionStatus;
import io.sekisho.extract.ExtractionUnavailableException;
import io.sekisho.extract.Extractor;
import io.sekisho.receive.http.UploadOutcome;
import io.sekisho.receive.http.UploadParts;
import io.sekisho.receive.http.UploadRequest;
import io.sekisho.receive.smtp.SmtpEnvelope;
import io.sekisho.testing.SpoolWatch;
import io.sekisho.transfer.MemoryBudget;
import io.sekisho.transfer.SpoolFolders;
import io.sekisho.transfer.Channel;
import io.sekisho.transfer.PartContent;
import io.sekisho.transfer.SpoolException;
import io.sekisho.transfer.TransferPart;
import io.sekisho.receive.smtp.SmtpOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One message through {@link InspectingMessageProcessor}, or one upload through
 * {@link InspectingUploadProcessor}, with an empty catalogue, the shipped default policy, a real
 * audit log and quarantine, and an extractor the test controls: what the client is answered when
 * inspection cannot finish, when content is encrypted, truncated or undecodable, and when the
 * audit log cannot record.
 */
class InspectingProcessorsTest {
    private static final String MAIL = "From: taro@corp.example.co.jp\r\nTo: someone\r\nSubject: figures\r\n\r\n"
            + "Nothing classified here.\r\n";
    private static final String SMIME = "From: taro@corp.example.co.jp\r\nSubject: sealed\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\nMIAGCSqGSIb3DQEHA6CAMIACAQAxggFA\r\n";

    @TempDir
    Path tmp;
    private Catalogue catalogue;
    private CatalogueSnapshots snapshots;
    private AuditLog audit;
    private QuarantineStore quarantine;
    private final AtomicInteger extractions = new AtomicInteger();
    /** Each extracted file's name with the gatewayText flag the inspection passed for it. */
    private final List<String> gatewayTextFlags = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    /** The threads extractions ran on. */
    private final java.util.Set<Thread> extractedOn = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile long extractionMillis;

    @BeforeEach
    void stages() throws Exception {
        catalogue = Catalogue.open(tmp.resolve("catalogue"), OpenMode.CREATE_IF_MISSING);
        snapshots = new CatalogueSnapshots(catalogue, Duration.ofSeconds(1));
        audit = AuditLog.open(tmp.resolve("audit"), AuditLogOptions.defaults().withInstance("test"));
        quarantine = new QuarantineStore(tmp.resolve("quarantine"), QuarantineKey.generate(tmp.resolve("q.key")), audit);
    }

    @AfterEach
    void close() throws Exception {
        audit.close();
        snapshots.close();
        catalogue.close();
    }

    /** Set to make extraction itself unavailable, as when no worker process can start. */
    private volatile boolean workersDown;

    /** Plain text as the only part, after {@link #extractionMillis}. */
    private final Extractor extractor = new Extractor() {
        @Override
        public ExtractionResult extract(Path file, String declaredType, boolean gatewayText) {
            gatewayTextFlags.add(file.getFileName() + "=" + gatewayText);
            return extract(file);
        }

        @Override
        public ExtractionResult extract(Path file) {
            extractions.incrementAndGet();
            extractedOn.add(Thread.currentThread());
            if (workersDown) {
                throw new ExtractionUnavailableException("no extraction worker could be started: test", null);
            }
            try {
                Thread.sleep(extractionMillis);
                return ExtractionResult.of(List.of(new ExtractedPart(file.getFileName().toString(), "text/plain",
                        Files.size(file), ExtractionStatus.COMPLETE, null, Files.readString(file, StandardCharsets.UTF_8))));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ExtractionResult.failure(ExtractionStatus.FAILED, "interrupted");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
        }
    };

    private TransferInspection inspection(Duration deadline, String deadlineKey) {
        Policy policy = new PolicyLoader(catalogue.settings().levels()).parse("default", Gateway.defaultPolicy())
                .withInternalDomains(List.of("corp.example.co.jp"));
        return new TransferInspection(extractor, snapshots, () -> policy, audit, Evidence.HASH, deadline, deadlineKey);
    }

    private InspectingMessageProcessor processor(Duration deadline) {
        return new InspectingMessageProcessor(inspection(deadline, "smtp.inspectionTimeout"), quarantine,
                new SpoolFolders(tmp.resolve("smtp-spool"), "parts-", Gateway.KEPT_WORK_FOLDERS), 256 * 1024,
                MemoryBudget.UNBOUNDED);
    }

    private InspectingUploadProcessor uploads(Duration deadline) {
        return new InspectingUploadProcessor(inspection(deadline, "http.inspectionTimeout"), quarantine,
                new SpoolFolders(tmp.resolve("http-spool"), "inspect-", Gateway.KEPT_WORK_FOLDERS),
                MemoryBudget.UNBOUNDED);
    }

    /** One upload of a text part to {@code host}, the part marked uninspectable as UploadParts would mark it. */
    private UploadOutcome upload(InspectingUploadProcessor processor, String host, String uninspectable) throws Exception {
        byte[] part = "Nothing classified here.\n".getBytes(StandardCharsets.UTF_8);
        UploadRequest request = new UploadRequest(Channel.HTTP, UUID.randomUUID().toString(), "c1", "127.0.0.1", null,
                "POST", "http://" + host + "/upload", host, List.of(), part.length);
        UploadOutcome outcome = processor.clientToProxyRequest(request, List.of(new TransferPart("notes.txt", "text/plain",
                part.length, "00", PartContent.of(part), uninspectable)));
        assertThat(SpoolWatch.leftIn(tmp.resolve("http-spool"))).as("nothing of the transfer is left in the spool").isEmpty();
        return outcome;
    }

    private SmtpOutcome send(InspectingMessageProcessor processor, String to, String message) throws Exception {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        SmtpEnvelope envelope = new SmtpEnvelope(UUID.randomUUID().toString(), "c1", "gw.test",
                new InetSocketAddress("127.0.0.1", 40000), "mx.corp.example.co.jp", "taro@corp.example.co.jp",
                List.of(to), false, false, false, bytes.length, Instant.now());
        SmtpOutcome outcome = processor.process(envelope, PartContent.of(bytes));
        assertThat(SpoolWatch.leftIn(tmp.resolve("smtp-spool"))).as("nothing of the transfer is left in the spool").isEmpty();
        return outcome;
    }

    private List<String> recorded() throws Exception {
        List<String> out = new java.util.ArrayList<>();
        AuditReader.forEach(tmp.resolve("audit"), r -> {
            if ("decision".equals(r.type())) {
                out.add(r.json().path("action").asText() + " " + r.json().path("parts").findValuesAsText("extraction"));
            }
        });
        return out;
    }

    @Test
    void aPartTheSpoolCannotTakeFailsTheMessageTemporarilyNotAsUnreadableContent() throws Exception {
        // Nothing may stay in memory, and the spool folder cannot be made (a file is in its way).
        Path blocked = Files.writeString(tmp.resolve("not-a-folder"), "");
        InspectingMessageProcessor processor = new InspectingMessageProcessor(
                inspection(Duration.ofSeconds(30), "smtp.inspectionTimeout"), quarantine,
                new SpoolFolders(blocked.resolve("spool"), "parts-", Gateway.KEPT_WORK_FOLDERS), 0,
                MemoryBudget.UNBOUNDED);
        byte[] bytes = MAIL.getBytes(StandardCharsets.UTF_8);
        SmtpEnvelope envelope = new SmtpEnvelope(UUID.randomUUID().toString(), "c1", "gw.test",
                new InetSocketAddress("127.0.0.1", 40000), "mx.corp.example.co.jp", "taro@corp.example.co.jp",
                List.of("partner@example.com"), false, false, false, bytes.length, Instant.now());

        // MessageDelivery answers an exception from the processor with 451.
        assertThatThrownBy(() -> processor.process(envelope, PartContent.of(bytes)))
                .isInstanceOf(SpoolException.class).hasMessageContaining("spool");
        assertThat(recorded()).as("no decision was made on content nobody read").isEmpty();
    }

    @Test
    void aPlainAllowIsDeliveredWithoutARecord() throws Exception {
        SmtpOutcome outcome = send(processor(Duration.ofSeconds(30)), "partner@example.com", MAIL);

        assertThat(outcome).isInstanceOf(SmtpOutcome.Deliver.class);
        assertThat(((SmtpOutcome.Deliver) outcome).inspectedHeader()).startsWith("gw.test; id=").endsWith("; allow");
        assertThat(recorded()).isEmpty();
    }

    @Test
    void onlyTheGatewaysOwnSubjectPartReachesTheExtractorAsGatewayTextAndEveryPartUnderItsName() throws Exception {
        String message = "From: taro@corp.example.co.jp\r\nSubject: Plan\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"m\"\r\n\r\n"
                + "--m\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
                + "--m\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=\"subject.txt\"\r\n\r\n"
                + "a sender's file named like the gateway's part\r\n"
                + "--m\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=\"notes.txt\"\r\n\r\none\r\n"
                + "--m\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=\"notes.txt\"\r\n\r\ntwo\r\n--m--\r\n";

        send(processor(Duration.ofSeconds(30)), "partner@example.com", message);

        // Parts sharing a name each reach the extractor under that name (not the spool file's).
        assertThat(gatewayTextFlags).containsExactlyInAnyOrder("subject.txt=true", "body-1.txt=false", "subject.txt=false",
                "notes.txt=false", "notes.txt=false");
        assertThat(extractedOn).as("inspected on the thread that received the message").containsOnly(Thread.currentThread());
    }

    @Test
    void inspectionPastTheDeadlineIsUninspectableRefusedOutsideAndRecorded() throws Exception {
        extractionMillis = 5_000;
        InspectingMessageProcessor processor = processor(Duration.ofMillis(300));
        long start = System.nanoTime();
        SmtpOutcome outside = send(processor, "partner@example.com", MAIL);
        SmtpOutcome inside = send(processor, "hanako@corp.example.co.jp", MAIL);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        assertThat(Thread.currentThread().isInterrupted()).as("the deadline's interrupt is cleared").isFalse();
        assertThat(outside).isInstanceOfSatisfying(SmtpOutcome.Refuse.class, r -> {
            assertThat(r.code()).isEqualTo(550);
            assertThat(r.enhancedCode()).isEqualTo("5.7.1");
            assertThat(r.text()).contains("could not be inspected");
        });
        assertThat(inside).isInstanceOf(SmtpOutcome.Deliver.class);
        assertThat(recorded()).containsExactly("block [timed-out, timed-out]", "allow [timed-out, timed-out]");
    }

    @Test
    void encryptedPartReachesThePolicyAsEncryptedWithoutBeingExtracted() throws Exception {
        SmtpOutcome outcome = send(processor(Duration.ofSeconds(30)), "partner@example.com", SMIME);

        assertThat(outcome).isInstanceOf(SmtpOutcome.Refuse.class);
        assertThat(extractions.get()).as("only the subject was extracted").isEqualTo(1);
        assertThat(recorded()).containsExactly("block [complete, encrypted]");
    }

    @Test
    void aDecisionTheAuditLogCannotRecordIsATemporaryFailure() throws Exception {
        InspectingMessageProcessor processor = processor(Duration.ofSeconds(30));
        audit.close();

        SmtpOutcome outcome = send(processor, "partner@example.com", SMIME);

        assertThat(outcome).isInstanceOfSatisfying(SmtpOutcome.Tempfail.class, t -> {
            assertThat(t.enhancedCode()).isEqualTo("4.3.0");
            assertThat(t.text()).isEqualTo("Audit log unavailable, try again later");
        });
    }

    @Test
    void uploadPastTheDeadlineIsUninspectableBlockedOutsideAndAllowedInsideRecorded() throws Exception {
        extractionMillis = 5_000;
        InspectingUploadProcessor processor = uploads(Duration.ofMillis(300));
        long start = System.nanoTime();
        UploadOutcome outside = upload(processor, "upload.example.com", null);
        UploadOutcome inside = upload(processor, "files.corp.example.co.jp", null);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        assertThat(Thread.currentThread().isInterrupted()).as("the deadline's interrupt is cleared").isFalse();
        assertThat(outside).isInstanceOfSatisfying(UploadOutcome.Block.class,
                b -> assertThat(b.message()).contains("could not be inspected"));
        assertThat(inside).isInstanceOf(UploadOutcome.Allow.class);
        assertThat(recorded()).containsExactly("block [timed-out]", "allow [timed-out]");
    }

    @Test
    void truncatedUploadIsInspectedFromItsStartAndStillDecidedAsUninspectable() throws Exception {
        UploadOutcome outcome = upload(uploads(Duration.ofSeconds(30)), "upload.example.com", UploadParts.TRUNCATED);

        assertThat(outcome).isInstanceOf(UploadOutcome.Block.class);
        assertThat(extractions.get()).as("the start was read").isEqualTo(1);
        assertThat(recorded()).containsExactly("block [truncated]");
    }

    @Test
    void undecodableUploadIsFailedWithoutBeingExtracted() throws Exception {
        UploadOutcome outcome = upload(uploads(Duration.ofSeconds(30)), "upload.example.com", UploadParts.UNDECODABLE);

        assertThat(outcome).isInstanceOf(UploadOutcome.Block.class);
        assertThat(extractions.get()).isZero();
        assertThat(recorded()).containsExactly("block [failed]");
    }

    @Test
    void anUploadTheAuditLogCannotRecordIsA503NeverAnAllow() throws Exception {
        InspectingUploadProcessor processor = uploads(Duration.ofSeconds(30));
        audit.close();

        UploadOutcome outcome = upload(processor, "upload.example.com", UploadParts.UNDECODABLE);

        assertThat(outcome).isInstanceOfSatisfying(UploadOutcome.Tempfail.class,
                t -> assertThat(t.message()).contains("audit log is unavailable"));
    }

    @Test
    void extractionThatCannotRunDefersTheTransferInsteadOfRefusingIt() throws Exception {
        workersDown = true;

        // The SMTP server answers a processor's exception with 451 4.3.0 and the proxy with 503
        // (both tested with their protocols): the sender retries, nothing is refused for good.
        assertThatThrownBy(() -> send(processor(Duration.ofSeconds(30)), "partner@example.com", MAIL))
                .isInstanceOf(ExtractionUnavailableException.class);
        assertThatThrownBy(() -> upload(uploads(Duration.ofSeconds(30)), "upload.example.com", null))
                .isInstanceOf(ExtractionUnavailableException.class);
        assertThat(recorded()).isEmpty();
    }
}
