package io.sekisho.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sekisho.receive.smtp.ExternalTools;
import io.sekisho.receive.smtp.ExternalTools.SmtpSink;
import io.sekisho.testing.Formats;
import io.sekisho.testing.SpoolWatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway as deployed after the company's mail server: {@code sekisho serve}'s configuration
 * file, the demo's classified documents in a catalogue built with the command line, the shipped
 * default policy, swaks as the sending mail server and Postfix's smtp-sink as the next hop, all on
 * loopback. Each test starts its own gateway (its own audit log and quarantine); the catalogue,
 * keys and the default sink are shared.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SmtpGatewayIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "LCD-ALN-0032-alignment-layer.txt";
    private static final String CONFIDENTIAL = "JR-2025-ORB-joint-research-plan.txt";
    private static final String MESSAGE = "From: Taro <taro@corp.example.co.jp>\r\nTo: partner@example.com\r\n"
            + "Subject: lunch on Friday\r\nMessage-ID: <clean-1@corp.example.co.jp>\r\n\r\nHello,\r\n\r\n"
            + ".a line that starts with a dot\r\nShall we meet at noon?\r\nTaro\r\n";

    @TempDir
    Path tmp;
    private GatewayFixture fixture;
    private SmtpSink sink;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    void catalogueKeysAndSink(@TempDir Path shared) throws Exception {
        ExternalTools.swaks();
        fixture = new GatewayFixture(shared);
        sink = new SmtpSink(shared.resolve("sink"));
    }

    @AfterAll
    void stopSink() throws Exception {
        if (sink != null) {
            sink.close();
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        open.clear();
    }

    private Gateway gateway(String name, int nextHopPort, String extraConfig) throws Exception {
        Gateway g = GatewayFixture.start(fixture.config(name, nextHopPort, extraConfig));
        open.add(g);
        return g;
    }

    private Gateway gateway(String name) throws Exception {
        return gateway(name, sink.port, "");
    }

    private SmtpSink sink(String... options) throws Exception {
        SmtpSink s = new SmtpSink(tmp.resolve("sink-" + open.size()), options);
        open.add(s);
        return s;
    }

    private static String swaks(Gateway g, String from, String to, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ExternalTools.swaks().toString(), "--server", "127.0.0.1",
                "--port", String.valueOf(g.smtpAddress().getPort()), "--from", from, "--to", to,
                "--helo", "mx.corp.example.co.jp", "--timeout", "30"));
        cmd.addAll(List.of(extra));
        return ExternalTools.run(cmd).output();
    }

    /** A Word document whose only text is an excerpt of a catalogue document. */
    private Path docx(String document, int fromLine, int toLine) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("docx-" + document.hashCode() + "-" + fromLine));
        if (Files.exists(dir.resolve("notes.docx"))) {
            return dir.resolve("notes.docx");
        }
        Path made = Formats.docx("Notes from the meeting.\n" + fixture.excerpt(document, fromLine, toLine), dir);
        return Files.move(made, dir.resolve("notes.docx"));
    }

    private List<Path> sinkMessagesFrom(SmtpSink s, String sender) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path m : s.messages()) {
            if (Files.readString(m, StandardCharsets.ISO_8859_1).contains("X-Mail-Args: <" + sender + ">")) {
                out.add(m);
            }
        }
        return out;
    }

    private static List<JsonNode> auditRecords(Gateway g, String sender) throws Exception {
        GatewayFixture.Run r = GatewayFixture.cli("audit", "query", g.config().audit().dir(), "--sender", sender, "--json").ok();
        List<JsonNode> records = new ArrayList<>();
        for (String line : r.out().lines().filter(l -> !l.isBlank()).toList()) {
            records.add(JSON.readTree(line));
        }
        return records;
    }

    @Test
    void cleanMessageIsDeliveredByteForByteBesidesOurHeader() throws Exception {
        Gateway g = gateway("clean");
        Path data = tmp.resolve("clean.eml");
        Files.writeString(data, MESSAGE);
        String out = swaks(g, "clean@corp.example.co.jp", "partner@example.com", "--data", data.toString());

        assertThat(out).contains("<-  250 2.0.0 Ok: relayed as ");
        List<Path> delivered = sinkMessagesFrom(sink, "clean@corp.example.co.jp");
        assertThat(delivered).hasSize(1);
        String dumped = SmtpSink.message(delivered.get(0));
        assertThat(dumped).startsWith("X-Sekisho-Inspected: gw.test; id=").contains("; allow\n");
        String afterHeader = dumped.substring(dumped.indexOf('\n') + 1);
        assertThat(afterHeader.stripTrailing()).isEqualTo(MESSAGE.replace("\r\n", "\n").stripTrailing());
        assertThat(auditRecords(g, "clean@corp.example.co.jp")).as("a plain allow leaves no record").isEmpty();
    }

    @Test
    void secretExcerptInWordAttachmentToExternalRecipientIsRefusedAndRecorded() throws Exception {
        Gateway g = gateway("block");
        String out = swaks(g, "block@corp.example.co.jp", "buyer@example.com",
                "--attach", "@" + docx(SECRET, 11, 11), "--body", "Please see the attached notes.");

        assertThat(out).containsPattern("<\\*\\* +550 5\\.7\\.1 Message refused: This transfer contains an excerpt of a "
                + "document classified secret or higher.*\\[[0-9a-f-]{36}\\]");
        assertThat(sinkMessagesFrom(sink, "block@corp.example.co.jp")).isEmpty();
        List<JsonNode> records = auditRecords(g, "block@corp.example.co.jp");
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.path("action").asText()).isEqualTo("block");
            assertThat(r.path("rule").asText()).isEqualTo("secret-excerpt-external");
            assertThat(r.path("matches").get(0).path("documentId").asText()).isEqualTo("LCD-ALN-0032-alignment-layer");
            assertThat(r.path("matches").get(0).path("part").asText()).isEqualTo("notes.docx");
            assertThat(r.path("evidence").asText()).isEqualTo("hash");
            assertThat(out).contains(r.path("incident").asText());
        });
    }

    @Test
    void smallMessagesAreInspectedAndRelayedWithoutAFileInTheSpool() throws Exception {
        Gateway g = gateway("in-memory");
        try (SpoolWatch spool = new SpoolWatch(g.config().smtp().spoolDir())) {
            String clean = swaks(g, "memory@corp.example.co.jp", "partner@example.com",
                    "--body", "Shall we meet at noon?");
            String secret = swaks(g, "memory@corp.example.co.jp", "buyer@example.com",
                    "--body", "Notes from the meeting.\n" + fixture.excerpt(SECRET, 11, 11));

            assertThat(clean).contains("<-  250 2.0.0 Ok: relayed as ");
            assertThat(secret).contains("<** 550 5.7.1 Message refused");
            assertThat(spool.created()).as("nothing made in the spool, not even for a moment").isEmpty();
        }
        assertThat(sinkMessagesFrom(sink, "memory@corp.example.co.jp")).hasSize(1);
        assertThat(auditRecords(g, "memory@corp.example.co.jp")).singleElement().satisfies(r ->
                assertThat(r.path("matches").get(0).path("documentId").asText()).isEqualTo("LCD-ALN-0032-alignment-layer"));
    }

    @Test
    void aMessagePastSmtpInMemoryBytesGoesToTheSpoolIsStillInspectedAndLeavesNothing() throws Exception {
        Gateway g = GatewayFixture.start(fixture.config("spilled", sink.port, "", "  inMemoryBytes: 256KiB\n"));
        open.add(g);
        // Past 256 KiB: the message moves to a spool file while it is received.
        assertSpooledInspectedAndGone(g, "large@corp.example.co.jp");
    }

    @Test
    void aMessageGoesToTheSpoolWhenTheMessagesTogetherHoldAllTheMemoryTheyMay() throws Exception {
        // Well under smtp.inMemoryBytes (4 MiB by default), but past what all messages may hold.
        Gateway g = GatewayFixture.start(fixture.config("total", sink.port, "", "  inMemoryTotal: 64KiB\n"));
        open.add(g);
        assertSpooledInspectedAndGone(g, "total@corp.example.co.jp");
    }

    /** A 330 KB secret message is refused and a clean one relayed, both through spool files that are gone after. */
    private void assertSpooledInspectedAndGone(Gateway g, String from) throws Exception {
        String filler = "Figures for the quarter, nothing classified in this line at all.\n".repeat(5_000);
        Path secretBody = Files.writeString(tmp.resolve("large-secret.txt"),
                filler + "Notes from the meeting.\n" + fixture.excerpt(SECRET, 11, 11) + "\n");
        Path cleanBody = Files.writeString(tmp.resolve("large-clean.txt"), filler);
        try (SpoolWatch spool = new SpoolWatch(g.config().smtp().spoolDir())) {
            String secret = swaks(g, from, "buyer@example.com", "--body", "@" + secretBody);
            String clean = swaks(g, from, "partner@example.com", "--body", "@" + cleanBody);

            assertThat(secret).contains("<** 550 5.7.1 Message refused");
            assertThat(clean).contains("<-  250 2.0.0 Ok: relayed as ");
            assertThat(spool.created()).anyMatch(name -> name.startsWith("msg-") && name.endsWith(".eml"));
            assertThat(spool.left()).as("the spool files are deleted once answered").isEmpty();
        }
        List<Path> delivered = sinkMessagesFrom(sink, from);
        assertThat(delivered).singleElement().satisfies(m ->
                assertThat(Files.size(m)).isGreaterThan(Files.size(cleanBody)));
        assertThat(auditRecords(g, from)).singleElement().satisfies(r ->
                assertThat(r.path("rule").asText()).isEqualTo("secret-excerpt-external"));
        assertThat(g.mailMemoryInUse()).as("every message's memory given back").isZero();
    }

    @Test
    void aMessageOfAThirdOfAMegabyteStaysInMemoryByDefault() throws Exception {
        Gateway g = gateway("in-memory");
        Path body = Files.writeString(tmp.resolve("third.txt"),
                "Figures for the quarter, nothing classified in this line at all.\n".repeat(5_000));
        try (SpoolWatch spool = new SpoolWatch(g.config().smtp().spoolDir())) {
            assertThat(swaks(g, "third@corp.example.co.jp", "partner@example.com", "--body", "@" + body))
                    .contains("<-  250 2.0.0 Ok: relayed as ");
            assertThat(spool.created()).as("nothing made in the spool, not even for a moment").isEmpty();
        }
        assertThat(sinkMessagesFrom(sink, "third@corp.example.co.jp")).hasSize(1);
        assertThat(g.mailMemoryInUse()).as("its memory given back once answered").isZero();
    }

    @Test
    void aWordDocumentInsideASmallMessageIsNamedForItsWorkerAndRecordedUnderItsPath() throws Exception {
        Gateway g = gateway("named");
        byte[] docx = Files.readAllBytes(docx(SECRET, 11, 11));
        Path zip = Files.write(tmp.resolve("plan.zip"), Formats.zipBytes("plan.docx", docx));
        try (SpoolWatch spool = new SpoolWatch(g.config().smtp().spoolDir())) {
            String out = swaks(g, "named@corp.example.co.jp", "buyer@example.com", "--body", "The plan.",
                    "--attach-type", "application/zip", "--attach-name", "plan.zip", "--attach", "@" + zip);

            assertThat(out).contains("<** 550 5.7.1 Message refused");
            assertThat(spool.created()).as("one work folder for the file the worker reads")
                    .singleElement().satisfies(name -> assertThat(name).startsWith("parts-"));
            assertThat(spool.left()).isEmpty();
        }
        assertThat(auditRecords(g, "named@corp.example.co.jp")).singleElement().satisfies(r -> {
            assertThat(r.path("matches").get(0).path("part").asText()).isEqualTo("plan.zip");
            assertThat(r.path("matches").get(0).path("passages").get(0).path("path").asText())
                    .as("the worker read the part under its sender's name").startsWith("plan.zip!/plan.docx");
        });
    }

    @Test
    void secretExcerptInAPlainTextBodyIsRefused() throws Exception {
        Gateway g = gateway("plain");
        String out = swaks(g, "plain@corp.example.co.jp", "buyer@example.com",
                "--body", "Notes from the meeting.\n" + fixture.excerpt(SECRET, 11, 11));

        assertThat(out).contains("<** 550 5.7.1 Message refused");
        assertThat(sinkMessagesFrom(sink, "plain@corp.example.co.jp")).isEmpty();
        assertThat(auditRecords(g, "plain@corp.example.co.jp")).singleElement().satisfies(r -> {
            assertThat(r.path("rule").asText()).isEqualTo("secret-excerpt-external");
            assertThat(r.path("matches").get(0).path("documentId").asText()).isEqualTo("LCD-ALN-0032-alignment-layer");
        });
    }

    @Test
    void zipLabelledTextPlainCarryingASecretIsStillOpenedAndRefused() throws Exception {
        Gateway g = gateway("labelled");
        Path zip = Files.write(tmp.resolve("notes.txt"), Formats.zipBytes("inner.txt",
                fixture.excerpt(SECRET, 11, 11).getBytes(StandardCharsets.UTF_8)));
        String out = swaks(g, "labelled@corp.example.co.jp", "buyer@example.com", "--body", "See the notes.",
                "--attach-type", "text/plain", "--attach-name", "notes.txt", "--attach", "@" + zip);

        assertThat(out).contains("<** 550 5.7.1 Message refused");
        assertThat(auditRecords(g, "labelled@corp.example.co.jp")).singleElement().satisfies(r -> {
            assertThat(r.path("rule").asText()).isEqualTo("secret-excerpt-external");
            assertThat(r.path("matches").get(0).path("part").asText()).isEqualTo("notes.txt");
        });
    }

    @Test
    void secretExcerptToInternalRecipientIsDeliveredAndLogged() throws Exception {
        Gateway g = gateway("internal");
        String out = swaks(g, "internal@corp.example.co.jp", "hanako@lab.corp.example.co.jp",
                "--attach", "@" + docx(SECRET, 11, 11), "--body", "For the line review.");

        assertThat(out).contains("<-  250 2.0.0 Ok: relayed as ");
        List<Path> delivered = sinkMessagesFrom(sink, "internal@corp.example.co.jp");
        assertThat(delivered).hasSize(1);
        assertThat(Files.readString(delivered.get(0))).containsPattern("X-Sekisho-Inspected: gw.test; id=[0-9a-f-]{36}; log");
        assertThat(auditRecords(g, "internal@corp.example.co.jp")).singleElement()
                .satisfies(r -> assertThat(r.path("rule").asText()).isEqualTo("catalogued-internal"));
    }

    @Test
    void encryptedAttachmentIsRefusedOutsideAndRecordedInside() throws Exception {
        Gateway g = gateway("encrypted");
        Path blob = Files.write(tmp.resolve("smime.p7m"), new byte[] {0x30, (byte) 0x82, 0x01, 0x00, 0x06, 0x09});
        String[] smime = {"--attach-type", "application/pkcs7-mime; smime-type=enveloped-data", "--attach", "@" + blob,
                "--body", "encrypted"};
        String outside = swaks(g, "enc@corp.example.co.jp", "partner@example.com", smime);
        String inside = swaks(g, "enc@corp.example.co.jp", "hanako@corp.example.co.jp", smime);

        assertThat(outside).containsPattern("<\\*\\* +550 5\\.7\\.1 Message refused: An attachment could not be inspected");
        assertThat(inside).contains("<-  250 2.0.0 Ok: relayed as ");
        assertThat(auditRecords(g, "enc@corp.example.co.jp")).extracting(r -> r.path("action").asText() + " "
                        + r.path("parts").findValuesAsText("extraction").contains("encrypted"))
                .containsExactly("block true", "allow true");
    }

    @Test
    void nextHopDeferringRefusingOrHangingUpGives451_5xx_451() throws Exception {
        String deferred = swaks(gateway("defer", sink("-r", ".").port, ""), "hop@corp.example.co.jp", "partner@example.com",
                "--body", "hello");
        String refused = swaks(gateway("refuse", sink("-f", ".").port, ""), "hop@corp.example.co.jp", "partner@example.com",
                "--body", "hello");
        String lost = swaks(gateway("hangup", sink("-q", "DATA").port, ""), "hop@corp.example.co.jp", "partner@example.com",
                "--body", "hello");

        assertThat(deferred).containsPattern("<\\*\\* +451 4\\.\\d\\.\\d Next hop deferred at end of data");
        assertThat(refused).containsPattern("<\\*\\* +5\\d\\d 5\\.\\d\\.\\d Next hop refused at end of data");
        assertThat(lost).containsPattern("<\\*\\* +451 4\\.4\\.2 Next hop lost at DATA");
    }

    @Test
    void confidentialExcerptIsQuarantinedThenReleasedToTheSinkWithTheConfigFile() throws Exception {
        Path config = fixture.config("quarantine", sink.port, "");
        String incident;
        try (Gateway g = GatewayFixture.start(config)) {
            String out = swaks(g, "held@corp.example.co.jp", "prof@orbital-coatings.example.ac.jp",
                    "--attach", "@" + docx(CONFIDENTIAL, 9, 9), "--body", "The plan, as discussed.");
            assertThat(out).containsPattern("<-  250 2\\.0\\.0 Held for review, not delivered: .*\\[[0-9a-f-]{36}\\]");
            assertThat(sinkMessagesFrom(sink, "held@corp.example.co.jp")).isEmpty();
            incident = out.replaceAll("(?s).*Held for review.*\\[([0-9a-f-]{36})\\].*", "$1");
            assertThat(Files.exists(config.resolveSibling("quarantine").resolve(incident + ".skq"))).isTrue();

            GatewayFixture.Run whileRunning = GatewayFixture.cli("quarantine", "release", "--config", config,
                    "--by", "sato", "--reason", "approved", incident);
            assertThat(whileRunning.exitCode()).isEqualTo(2);
            assertThat(whileRunning.err()).contains("in use by another writer", "is the gateway running?");
        }
        GatewayFixture.cli("quarantine", "release", "--config", config, "--by", "sato",
                "--reason", "approved by legal (ticket 42)", incident).ok();

        List<Path> delivered = sinkMessagesFrom(sink, "held@corp.example.co.jp");
        assertThat(delivered).hasSize(1);
        assertThat(Files.readString(delivered.get(0)))
                .contains("X-Sekisho-Inspected: gw.test; id=" + incident + "; released")
                .contains("X-Rcpt-Args: <prof@orbital-coatings.example.ac.jp>");
        GatewayFixture.Run log = GatewayFixture.cli("audit", "query", config.resolveSibling("audit"), "--since", "2000-01-01").ok();
        assertThat(log.out()).contains("quarantine  smtp  held@corp.example.co.jp", "quarantine-released  " + incident + "  by sato");
    }

    @Test
    void theAuditLogOfAGatewayRunVerifiesWithItsKey() throws Exception {
        Path config = fixture.config("verify", sink.port, "");
        try (Gateway g = GatewayFixture.start(config)) {
            swaks(g, "verify@corp.example.co.jp", "buyer@example.com", "--attach", "@" + docx(SECRET, 11, 11), "--body", "x");
            swaks(g, "verify@corp.example.co.jp", "hanako@corp.example.co.jp", "--attach", "@" + docx(SECRET, 11, 11), "--body", "x");
            swaks(g, "verify@corp.example.co.jp", "buyer@example.com", "--body", "nothing to see");
        }
        GatewayFixture.Run verify = GatewayFixture.cli("audit", "verify", config.resolveSibling("audit"),
                "--public-key", fixture.auditPublicKey).ok();
        // Two decisions (the block and the logged internal copy; the clean allow leaves none) and the
        // checkpoint written at close, signed with the configured key.
        assertThat(verify.out()).containsPattern("OK: 3 records, 1 checkpoints, last seq 3, signatures checked with key");
        assertThat(GatewayFixture.cli("audit", "query", config.resolveSibling("audit"), "--sender", "verify@corp.example.co.jp")
                .ok().out()).contains("2 record(s)");
    }

    @Test
    void catalogueDocumentAddedWhileTheGatewayRunsIsDetectedInTheNextMessage() throws Exception {
        Gateway g = gateway("late");
        Path attachment = Files.writeString(tmp.resolve("仕様.txt"), fixture.excerpt(GatewayFixture.LATE_DOCUMENT, 13, 13));
        String before = swaks(g, "late@corp.example.co.jp", "buyer@example.com", "--attach", "@" + attachment, "--body", "x");
        assertThat(before).contains("<-  250 2.0.0 Ok: relayed as ");

        GatewayFixture.cli("catalogue", "add", "--catalogue", fixture.catalogue, "--classification", "secret",
                fixture.document(GatewayFixture.LATE_DOCUMENT)).ok();
        Thread.sleep(Gateway.CATALOGUE_REFRESH.toMillis() + 200);
        String after = swaks(g, "late@corp.example.co.jp", "buyer@example.com", "--attach", "@" + attachment, "--body", "x");

        assertThat(after).containsPattern("<\\*\\* +550 5\\.7\\.1 Message refused");
        assertThat(auditRecords(g, "late@corp.example.co.jp")).singleElement()
                .satisfies(r -> assertThat(r.path("matches").get(0).path("documentId").asText()).isEqualTo("半導体洗浄プロセス-SC-118"));
    }

    @Test
    void policyFileChangedToAnInvalidOneKeepsTheLastGoodPolicy() throws Exception {
        Path policy = tmp.resolve("policy.yaml");
        Files.write(policy, Gateway.defaultPolicy());
        Gateway g = gateway("policy", sink.port, "policy: " + policy + "\n");
        Path secret = docx(SECRET, 11, 11);
        assertThat(swaks(g, "policy@corp.example.co.jp", "buyer@example.com", "--attach", "@" + secret, "--body", "1"))
                .contains("<** 550 5.7.1");

        Files.writeString(policy, "policy: broken\nrules:\n  - id: x\n    when: {destination: [nowhere]}\n    action: allow\n");
        assertThat(swaks(g, "policy@corp.example.co.jp", "buyer@example.com", "--attach", "@" + secret, "--body", "2"))
                .as("a policy that does not load changes nothing").contains("<** 550 5.7.1");

        Files.writeString(policy, "policy: everything-goes\nrules:\n  - id: all\n    when: {}\n    action: log\n");
        assertThat(swaks(g, "policy@corp.example.co.jp", "buyer@example.com", "--attach", "@" + secret, "--body", "3"))
                .as("a valid change is in force for the next message").contains("<-  250 2.0.0 Ok: relayed as ");
    }
}
