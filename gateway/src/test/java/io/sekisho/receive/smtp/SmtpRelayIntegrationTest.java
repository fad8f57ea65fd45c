package io.sekisho.receive.smtp;

import io.sekisho.config.Cidr;
import io.sekisho.config.HostPort;
import io.sekisho.config.SmtpConfig;
import io.sekisho.receive.smtp.ExternalTools.SmtpSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real server on a loopback port, with real clients (swaks, a socket) and real next hops
 * (Postfix's smtp-sink, a scripted Java server).
 */
class SmtpRelayIntegrationTest {
    private static final String MESSAGE = "From: Taro <taro@corp.example.co.jp>\r\nTo: partner@example.com\r\n"
            + "Subject: quarterly figures\r\nMessage-ID: <1@corp.example.co.jp>\r\n\r\nHello,\r\n\r\n.a line that starts with a dot\r\n"
            + "..and one with two\r\nThanks\r\n";

    @TempDir
    Path tmp;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<SmtpEnvelope> processed = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private SmtpConfig config(int nextHopPort, List<Cidr> allowed, int perClient, SmtpConfig.Tls tls) {
        return new SmtpConfig(new HostPort("127.0.0.1", 0), new HostPort("127.0.0.1", nextHopPort), allowed, "gw.test",
                100_000, 10, 512, Duration.ofSeconds(20), Duration.ofSeconds(20), 20, perClient, 4, 2,
                Duration.ofSeconds(2), Duration.ofSeconds(10), tmp.resolve("spool"), tls);
    }

    private SmtpServer server(int nextHopPort) throws IOException {
        return server(config(nextHopPort, List.of(Cidr.parse("127.0.0.0/8")), 5, null), MessageProcessor.passThrough());
    }

    private SmtpServer server(SmtpConfig config, MessageProcessor processor) throws IOException {
        MessageProcessor recording = (envelope, message) -> {
            processed.add(envelope);
            return processor.process(envelope, message);
        };
        SmtpServer s = SmtpServer.start(config, recording);
        open.add(s);
        return s;
    }

    private ExternalTools.Result swaks(SmtpServer server, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ExternalTools.swaks().toString(), "--server", "127.0.0.1",
                "--port", String.valueOf(server.address().getPort()), "--from", "taro@corp.example.co.jp",
                "--to", "partner@example.com", "--helo", "mx.corp.example.co.jp", "--timeout", "20"));
        cmd.addAll(List.of(extra));
        return ExternalTools.run(cmd);
    }

    private SmtpSink sink(String... options) throws Exception {
        SmtpSink sink = new SmtpSink(tmp.resolve("sink-" + open.size()), options);
        open.add(sink);
        return sink;
    }

    @Test
    void swaksMessageArrivesAtSmtpSinkUnchangedBesidesOurHeader() throws Exception {
        SmtpSink sink = sink();
        SmtpServer server = server(sink.port);
        Path data = tmp.resolve("message.eml");
        Files.writeString(data, MESSAGE);
        ExternalTools.Result r = swaks(server, "--data", data.toString());
        assertThat(r.output()).contains("<-  250 2.0.0 Ok: relayed as ");
        assertThat(r.exitCode()).isZero();
        assertThat(sink.messages()).hasSize(1);
        String dumped = SmtpSink.message(sink.messages().get(0));
        String header = "X-Sekisho-Inspected: gw.test; id=" + processed.get(0).transferId() + "; allow\n";
        assertThat(dumped).startsWith(header);
        // swaks adds one empty line before its end of data, the dump one more at the end.
        assertThat(dumped.substring(header.length()).stripTrailing()).isEqualTo(MESSAGE.replace("\r\n", "\n").stripTrailing());
    }

    @Test
    void smtpSinkDeferringTheEndOfDataGives451() throws Exception {
        SmtpServer server = server(sink("-r", ".").port);
        ExternalTools.Result r = swaks(server, "--body", "hello");
        assertThat(r.output()).containsPattern("<\\*\\* +451 4\\.\\d\\.\\d Next hop deferred at end of data");
    }

    @Test
    void smtpSinkRefusingTheEndOfDataGivesItsRefusal() throws Exception {
        SmtpServer server = server(sink("-f", ".").port);
        ExternalTools.Result r = swaks(server, "--body", "hello");
        assertThat(r.output()).containsPattern("<\\*\\* +5\\d\\d 5\\.\\d\\.\\d Next hop refused at end of data");
    }

    @Test
    void smtpSinkHangingUpGives451() throws Exception {
        SmtpServer server = server(sink("-q", "DATA").port);
        ExternalTools.Result r = swaks(server, "--body", "hello");
        assertThat(r.output()).containsPattern("<\\*\\* +451 4\\.4\\.2 Next hop lost at DATA");
    }

    @Test
    void smugglingThroughSwaksProducesNoSecondMessageAtTheSink() throws Exception {
        SmtpSink sink = sink();
        SmtpServer server = server(sink.port);
        for (String sequence : List.of("\n.\n", "\n.\r\n", "\r.\n", "\r.\r\n", "\r\n.\r", "\r\n.\n")) {
            Path data = tmp.resolve("smuggle.eml");
            Files.writeString(data, "Subject: outer\r\n\r\nouter" + sequence
                    + "MAIL FROM:<ceo@corp.example.co.jp>\r\nRCPT TO:<victim@example.com>\r\nDATA\r\n"
                    + "Subject: smuggled\r\n\r\nsmuggled\r\n.\r\n");
            ExternalTools.Result r = swaks(server, "--data", data.toString(), "--no-data-fixup");
            assertThat(r.output()).as(sequence.replace("\r", "CR").replace("\n", "LF")).contains("<** 550 5.6.0");
        }
        assertThat(sink.messages()).isEmpty();
        assertThat(processed).isEmpty();
    }

    @Test
    void swaksStartTlsDeliversOverTls() throws Exception {
        SmtpSink sink = sink();
        TestCertificates cert = TestCertificates.selfSigned(tmp, "gw.test");
        SmtpServer server = server(config(sink.port, List.of(Cidr.parse("127.0.0.0/8")), 5,
                new SmtpConfig.Tls(cert.certificate(), cert.key())), MessageProcessor.passThrough());
        ExternalTools.Result r = swaks(server, "--tls", "--body", "over tls");
        assertThat(r.output()).contains("<-  220 2.0.0 Ready to start TLS", "TLS started", "<~  250 2.0.0 Ok: relayed");
        assertThat(processed).singleElement().satisfies(e -> assertThat(e.tls()).isTrue());
        assertThat(sink.messages()).hasSize(1);
    }

    @Test
    void commandsPipelinedAfterStartTlsAreNeverRun() throws Exception {
        TestCertificates cert = TestCertificates.selfSigned(tmp, "gw.test");
        FakeNextHop hop = new FakeNextHop();
        open.add(hop);
        SmtpServer server = server(config(hop.port(), List.of(Cidr.parse("127.0.0.0/8")), 5,
                new SmtpConfig.Tls(cert.certificate(), cert.key())), MessageProcessor.passThrough());
        try (LineClient c = new LineClient(server.address().getPort())) {
            c.expect("220");
            assertThat(c.send("EHLO x\r\n").reply()).contains("STARTTLS");
            c.send("STARTTLS\r\nMAIL FROM:<injected@example.com>\r\n");
            assertThat(c.reply()).isEqualTo("EOF");
        }
    }

    @Test
    void nextHopReceivesExactlyOurHeaderAndTheMessageDotStuffed() throws Exception {
        FakeNextHop hop = new FakeNextHop();
        open.add(hop);
        SmtpServer server = server(hop.port());
        String stuffed = MESSAGE.replace("\r\n.", "\r\n..");
        try (LineClient c = new LineClient(server.address().getPort())) {
            c.startMessage("taro@corp.example.co.jp", "a@example.com", "b@example.com");
            c.send(stuffed + ".\r\n").expect("250 2.0.0 Ok: relayed as");
            c.send("QUIT\r\n").expect("221");
        }
        String id = processed.get(0).transferId();
        assertThat(new String(hop.received.get(0), StandardCharsets.UTF_8))
                .isEqualTo("X-Sekisho-Inspected: gw.test; id=" + id + "; allow\r\n" + stuffed + ".\r\n");
        // No QUIT yet: the connection is kept for the next message (smtp.nextHopIdle; SmtpRelayClientTest).
        assertThat(hop.commands).containsSubsequence("EHLO gw.test", "RCPT TO:<a@example.com>", "RCPT TO:<b@example.com>", "DATA");
        assertThat(hop.commands.stream().filter(l -> l.startsWith("MAIL")).findFirst().orElseThrow())
                .startsWith("MAIL FROM:<taro@corp.example.co.jp> SIZE=");
    }

    @Test
    void nextHopThatNeverAnswersGives451AfterTheTimeout() throws Exception {
        FakeNextHop hop = new FakeNextHop();
        open.add(hop);
        hop.mode = FakeNextHop.Mode.HANG_AFTER_DATA;
        SmtpServer server = server(hop.port());
        try (LineClient c = new LineClient(server.address().getPort())) {
            c.startMessage("taro@corp.example.co.jp", "a@example.com");
            c.send(MESSAGE + ".\r\n").expect("451 4.4.2 Next hop timed out at end of data");
        }
    }

    @Test
    void nextHopDeferralAndRefusalArePassedOn() throws Exception {
        FakeNextHop hop = new FakeNextHop();
        open.add(hop);
        SmtpServer server = server(hop.port());
        hop.mode = FakeNextHop.Mode.DEFER_END_OF_DATA;
        try (LineClient c = new LineClient(server.address().getPort())) {
            c.startMessage("taro@corp.example.co.jp", "a@example.com");
            c.send(MESSAGE + ".\r\n").expect("451 4.3.0 Next hop deferred at end of data: try later");
            hop.mode = FakeNextHop.Mode.REFUSE_END_OF_DATA;
            c.send("MAIL FROM:<taro@corp.example.co.jp>\r\nRCPT TO:<a@example.com>\r\nDATA\r\n");
            c.expect("250");
            c.expect("250");
            c.expect("354");
            c.send(MESSAGE + ".\r\n").expect("554 5.7.1 Next hop refused at end of data: content refused");
            hop.mode = FakeNextHop.Mode.CLOSE_AT_MAIL;
            c.send("MAIL FROM:<taro@corp.example.co.jp>\r\nRCPT TO:<a@example.com>\r\nDATA\r\n");
            c.expect("250");
            c.expect("250");
            c.expect("354");
            c.send(MESSAGE + ".\r\n").expect("451 4.4.2 Next hop lost at MAIL");
        }
    }

    @Test
    void aRecipientRefusedByTheNextHopAbortsTheWholeTransaction() throws Exception {
        FakeNextHop hop = new FakeNextHop();
        open.add(hop);
        hop.mode = FakeNextHop.Mode.REFUSE_ONE_RCPT;
        hop.pipelining = false;
        SmtpServer server = server(hop.port());
        try (LineClient c = new LineClient(server.address().getPort())) {
            c.startMessage("taro@corp.example.co.jp", "good@example.com", "bad@example.com");
            c.send(MESSAGE + ".\r\n").expect("550 5.1.1 Next hop refused at RCPT: no such user");
        }
        assertThat(hop.commands).contains("RSET").doesNotContain("DATA");
        assertThat(hop.received).isEmpty();
    }

    @Test
    void aRecipientRefusedInAPipelinedGroupAbandonsTheDataTheNextHopAccepted() throws Exception {
        // MAIL, both RCPTs and DATA leave together; the next hop refuses one recipient and answers
        // DATA with 354 for the other. The message must not reach that one recipient alone: the
        // connection is closed without a byte of data, and the next message gets a new one.
        FakeNextHop hop = new FakeNextHop();
        open.add(hop);
        hop.mode = FakeNextHop.Mode.REFUSE_ONE_RCPT;
        SmtpServer server = server(hop.port());
        try (LineClient c = new LineClient(server.address().getPort())) {
            c.startMessage("taro@corp.example.co.jp", "good@example.com", "bad@example.com");
            c.send(MESSAGE + ".\r\n").expect("550 5.1.1 Next hop refused at RCPT: no such user");
        }
        try (LineClient c = new LineClient(server.address().getPort())) {
            c.startMessage("taro@corp.example.co.jp", "good@example.com");
            c.send(MESSAGE + ".\r\n").expect("250 ");
        }
        assertThat(hop.commands).containsSubsequence("MAIL FROM:<taro@corp.example.co.jp> SIZE=284",
                "RCPT TO:<good@example.com>", "RCPT TO:<bad@example.com>", "DATA").doesNotContain("RSET");
        assertThat(hop.received).as("only the second message").hasSize(1);
        assertThat(hop.connections.get()).isEqualTo(2);
    }

    @Test
    void clientOutsideAllowedClientsIsRefusedOverTcp() throws Exception {
        SmtpServer server = server(config(1, List.of(Cidr.parse("10.0.0.0/8")), 5, null), MessageProcessor.passThrough());
        try (LineClient c = new LineClient(server.address().getPort())) {
            c.expect("554 5.7.1");
            assertThat(c.reply()).isEqualTo("EOF");
        }
    }

    @Test
    void connectionsAbovePerClientLimitGet421() throws Exception {
        SmtpServer server = server(config(1, List.of(Cidr.parse("127.0.0.0/8")), 1, null), MessageProcessor.passThrough());
        try (LineClient first = new LineClient(server.address().getPort())) {
            first.expect("220");
            try (LineClient second = new LineClient(server.address().getPort())) {
                second.expect("421 4.7.0");
            }
        }
    }

    @Test
    void stopFinishesTheMessageInHandAnd421sIdleSessions() throws Exception {
        FakeNextHop hop = new FakeNextHop();
        open.add(hop);
        CountDownLatch inInspection = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        SmtpServer server = SmtpServer.start(config(hop.port(), List.of(Cidr.parse("127.0.0.0/8")), 5, null), (envelope, message) -> {
            inInspection.countDown();
            release.await(10, TimeUnit.SECONDS);
            return SmtpOutcome.deliver(envelope, "allow");
        });
        try (LineClient busy = new LineClient(server.address().getPort());
             LineClient idle = new LineClient(server.address().getPort())) {
            idle.expect("220");
            busy.startMessage("taro@corp.example.co.jp", "a@example.com");
            busy.send(MESSAGE + ".\r\n");
            assertThat(inInspection.await(5, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::close);
            idle.expect("421 4.3.2");
            release.countDown();
            busy.expect("250 2.0.0 Ok: relayed");
            busy.expect("421 4.3.2");
            stopping.get(10, TimeUnit.SECONDS);
        }
        assertThat(hop.received).hasSize(1);
        try (var left = Files.list(tmp.resolve("spool"))) {
            assertThat(left).isEmpty();
        }
    }
}
