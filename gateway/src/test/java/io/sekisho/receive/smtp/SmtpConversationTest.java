package io.sekisho.receive.smtp;

import io.sekisho.receive.smtp.TestSmtp.Client;
import io.sekisho.receive.smtp.TestSmtp.RecordingNextHop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import io.sekisho.transfer.PartContent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Conversations as scripts: what the client sends, what it must read back. */
class SmtpConversationTest {
    private static final String MESSAGE = "From: a@corp.example.co.jp\r\nTo: b@example.com\r\nSubject: hi\r\n\r\nHello\r\n.leading dot\r\n";

    @TempDir
    Path spool;
    final RecordingNextHop nextHop = new RecordingNextHop();
    Client client;

    Client connect() {
        return connect(MessageProcessor.passThrough());
    }

    Client connect(MessageProcessor processor) {
        client = TestSmtp.connect(TestSmtp.config(spool), processor, nextHop, "127.0.0.1", null);
        client.expect("220 gw.test ESMTP");
        return client;
    }

    @AfterEach
    void close() throws Exception {
        if (client != null) {
            client.close();
        }
        try (Stream<Path> left = Files.list(spool)) {
            assertThat(left).as("spool files left behind").isEmpty();
        }
    }

    @Test
    void ehloListsTheCapabilities() {
        String reply = connect().line("EHLO mx.corp.example.co.jp").expect("250-gw.test");
        assertThat(reply).contains("250-SIZE 10000\r\n", "250-8BITMIME\r\n", "250-PIPELINING\r\n",
                "250-ENHANCEDSTATUSCODES\r\n", "SMTPUTF8\r\n").doesNotContain("STARTTLS");
    }

    @Test
    void heloAnswersWithTheHostName() {
        connect().script("""
                C: HELO mx.corp.example.co.jp
                S: 250 gw.test
                C: HELO
                S: 501 5.5.4
                """);
    }

    @Test
    void relaysACleanMessageAndAnswers250OnlyAfterTheNextHop() {
        connect().script("""
                C: EHLO mx
                S: 250
                C: MAIL FROM:<a@corp.example.co.jp> SIZE=100 BODY=8BITMIME
                S: 250 2.1.0
                C: RCPT TO:<b@example.com>
                S: 250 2.1.5
                C: RCPT TO:<c@example.com>
                S: 250 2.1.5
                C: DATA
                S: 354
                """);
        client.send(MESSAGE.replace("\r\n.leading", "\r\n..leading") + ".\r\n");
        String reply = client.expect("250 2.0.0 Ok: relayed as ");
        assertThat(reply).contains("queued as X1");
        assertThat(nextHop.envelopes).singleElement().satisfies(e -> {
            assertThat(e.mailFrom()).isEqualTo("a@corp.example.co.jp");
            assertThat(e.recipients()).containsExactly("b@example.com", "c@example.com");
            assertThat(e.heloName()).isEqualTo("mx");
            assertThat(e.eightBitMime()).isTrue();
            assertThat(e.size()).isEqualTo(MESSAGE.length());
        });
        String relayed = nextHop.messages.get(0);
        String id = nextHop.envelopes.get(0).transferId();
        assertThat(relayed).isEqualTo("X-Sekisho-Inspected: gw.test; id=" + id + "; allow\r\n"
                + MESSAGE.replace("\r\n.leading", "\r\n..leading") + ".\r\n");
        client.script("""
                C: QUIT
                S: 221 2.0.0
                """);
        assertThat(client.channel.isOpen()).isFalse();
    }

    @Test
    void nullSenderIsAccepted() {
        connect().script("""
                C: EHLO mx
                S: 250
                C: MAIL FROM:<>
                S: 250 2.1.0
                C: RCPT TO:<postmaster@example.com>
                S: 250 2.1.5
                """);
    }

    @Test
    void rsetForgetsTheTransaction() {
        connect().script("""
                C: EHLO mx
                S: 250
                C: MAIL FROM:<a@corp.example.co.jp>
                S: 250
                C: RCPT TO:<b@example.com>
                S: 250
                C: RSET
                S: 250 2.0.0
                C: DATA
                S: 503 5.5.1
                C: RCPT TO:<b@example.com>
                S: 503 5.5.1
                C: MAIL FROM:<a@corp.example.co.jp>
                S: 250
                """);
    }

    @Test
    void noopVrfyAndCommandsNotImplemented() {
        connect().script("""
                C: NOOP
                S: 250 2.0.0
                C: VRFY root
                S: 252 2.5.0
                C: EXPN staff
                S: 502 5.5.1
                C: BDAT 10 LAST
                S: 502 5.5.1
                C: FROB
                S: 500 5.5.2
                C: noop
                S: 250
                """);
    }

    @Test
    void commandsOutOfSequenceGet503() {
        connect().script("""
                C: MAIL FROM:<a@corp.example.co.jp>
                S: 503 5.5.1
                C: EHLO mx
                S: 250
                C: RCPT TO:<b@example.com>
                S: 503 5.5.1
                C: DATA
                S: 503 5.5.1
                C: MAIL FROM:<a@corp.example.co.jp>
                S: 250
                C: MAIL FROM:<a@corp.example.co.jp>
                S: 503 5.5.1
                C: DATA
                S: 503 5.5.1
                """);
    }

    @Test
    void badAddressesAndParameters() {
        connect().script("""
                C: EHLO mx
                S: 250
                C: MAIL FROM:a@corp.example.co.jp
                S: 501 5.1.7
                C: MAIL FROM:<a@corp.example.co.jp> AUTH=<>
                S: 555 5.5.4
                C: MAIL FROM:<山田@corp.example.co.jp>
                S: 553 5.6.7
                C: MAIL FROM:<山田@corp.example.co.jp> SMTPUTF8
                S: 250
                C: RCPT TO:<>
                S: 501 5.1.3
                C: RCPT TO:<鈴木@example.jp>
                S: 250
                """);
    }

    @Test
    void pipelinedCommandsAreAnsweredInOrder() {
        connect().send("EHLO mx\r\nMAIL FROM:<a@corp.example.co.jp>\r\nRCPT TO:<b@example.com>\r\nRCPT TO:<>\r\nDATA\r\n");
        client.expect("250-gw.test");
        client.expect("250 2.1.0");
        client.expect("250 2.1.5");
        client.expect("501 5.1.3");
        client.expect("354");
        // The end of data and the next transaction in one write: the second MAIL waits for the
        // first message's reply.
        client.send(MESSAGE + ".\r\nMAIL FROM:<x@corp.example.co.jp>\r\nRCPT TO:<y@example.com>\r\nQUIT\r\n");
        client.expect("250 2.0.0 Ok: relayed");
        client.expect("250 2.1.0");
        client.expect("250 2.1.5");
        client.expect("221");
        assertThat(nextHop.messages).hasSize(1);
    }

    @Test
    void inputOneByteAtATime() {
        connect().sendByteByByte("EHLO mx\r\nMAIL FROM:<a@corp.example.co.jp>\r\nRCPT TO:<b@example.com>\r\nDATA\r\n");
        client.expect("250-gw.test");
        client.expect("250");
        client.expect("250");
        client.expect("354");
        String stuffed = MESSAGE.replace("\r\n.leading", "\r\n..leading");
        client.sendByteByByte(stuffed + ".\r\n");
        client.expect("250 2.0.0");
        assertThat(nextHop.messages.get(0)).endsWith("\r\n" + stuffed + ".\r\n");
    }

    @Test
    void crlfAndEndOfDataSplitAcrossReads() {
        connect().send("EHLO mx\r").send("\nMAIL FROM:<a@corp.example.co.jp>\r\nRC").send("PT TO:<b@example.com>\r\nDATA\r\n");
        client.expect("250-");
        client.expect("250");
        client.expect("250");
        client.expect("354");
        client.send("Subject: x\r\n\r\nbody\r").send("\n.").send("\r").send("\n");
        client.expect("250 2.0.0");
        client.send("\r\n.\r\n").expect("500 5.5.2");
        assertThat(nextHop.messages.get(0)).endsWith("Subject: x\r\n\r\nbody\r\n.\r\n");
    }

    @Test
    void declaredSizeAboveTheLimitGets552() {
        connect().script("""
                C: EHLO mx
                S: 250
                C: MAIL FROM:<a@corp.example.co.jp> SIZE=10001
                S: 552 5.3.4
                """);
    }

    @Test
    void messageAboveTheLimitGets552AtTheEndOfData() {
        startData();
        client.send("Subject: big\r\n\r\n" + ("x".repeat(98) + "\r\n").repeat(101) + ".\r\n");
        client.expect("552 5.3.4");
        assertThat(nextHop.messages).isEmpty();
        client.script("""
                C: NOOP
                S: 250
                """);
    }

    @Test
    void recipientsAboveTheLimitGet452() {
        connect().script("""
                C: EHLO mx
                S: 250
                C: MAIL FROM:<a@corp.example.co.jp>
                S: 250
                C: RCPT TO:<1@example.com>
                S: 250
                C: RCPT TO:<2@example.com>
                S: 250
                C: RCPT TO:<3@example.com>
                S: 250
                C: RCPT TO:<4@example.com>
                S: 452 4.5.3
                C: DATA
                S: 354
                """);
    }

    @Test
    void commandLineTooLongGets500AndTheSessionGoesOn() {
        connect().line("NOOP " + "x".repeat(600)).expect("500 5.5.2 Line too long");
        client.script("""
                C: NOOP
                S: 250
                """);
    }

    @Test
    void messageLineAbove998CharactersIsRefusedAtTheEndOfData() {
        startData();
        client.send("Subject: long\r\n\r\n" + "y".repeat(999) + "\r\n.\r\n");
        client.expect("550 5.6.0");
        assertThat(nextHop.messages).isEmpty();
        // A line of exactly 998 passes.
        client.script("""
                C: MAIL FROM:<a@corp.example.co.jp>
                S: 250
                C: RCPT TO:<b@example.com>
                S: 250
                C: DATA
                S: 354
                """);
        client.send("Subject: long\r\n\r\n" + "y".repeat(998) + "\r\n.\r\n").expect("250 2.0.0");
    }

    @Test
    void clientOutsideAllowedClientsIsRefusedAtConnect() {
        client = TestSmtp.connect(TestSmtp.config(spool), MessageProcessor.passThrough(), nextHop, "192.0.2.7", null);
        client.expect("554 5.7.1");
        assertThat(client.channel.isOpen()).isFalse();
    }

    @Test
    void bareLfInACommandIsRefused() {
        connect().send("NOOP\n").expect("500 5.5.2");
        client.send("NOOP\rNOOP\r\n").expect("500 5.5.2");
    }

    /**
     * SMTP smuggling: each published end-of-data lookalike inside DATA must neither end the
     * message nor let the commands after it run; the message is refused at its real end.
     */
    @ParameterizedTest
    @ValueSource(strings = {"\n.\n", "\n.\r\n", "\r.\n", "\r.\r\n", "\r\n.\r", "\r\n.\n"})
    void smugglingSequenceDoesNotEndTheMessage(String sequence) {
        startData();
        String smuggled = "MAIL FROM:<ceo@corp.example.co.jp>\r\nRCPT TO:<victim@example.com>\r\nDATA\r\n"
                + "Subject: smuggled\r\n\r\nsmuggled\r\n";
        client.send("Subject: outer\r\n\r\nouter" + sequence + smuggled + ".\r\n");
        client.expect("550 5.6.0");
        assertThat(client.pending()).isEmpty();
        assertThat(nextHop.messages).isEmpty();
        client.script("""
                C: NOOP
                S: 250
                """);
        assertThat(client.pending()).isEmpty();
    }

    @Test
    void forgedInspectedHeaderIsRemovedAndInspectionStillRuns() {
        int[] processed = {0};
        connect((envelope, message) -> {
            processed[0]++;
            return SmtpOutcome.deliver(envelope, "log");
        });
        client.script("""
                C: EHLO mx
                S: 250
                C: MAIL FROM:<a@corp.example.co.jp>
                S: 250
                C: RCPT TO:<b@example.com>
                S: 250
                C: DATA
                S: 354
                """);
        client.send("x-sekisho-inspected : gw.test; id=forged; allow\r\n\tfolded part\r\nSubject: s\r\n"
                + "X-Sekisho-Inspected: again\r\n\r\nX-Sekisho-Inspected: in the body stays\r\n.\r\n");
        client.expect("250 2.0.0");
        assertThat(processed[0]).isEqualTo(1);
        String id = nextHop.envelopes.get(0).transferId();
        assertThat(nextHop.messages.get(0)).isEqualTo("X-Sekisho-Inspected: gw.test; id=" + id + "; log\r\n"
                + "Subject: s\r\n\r\nX-Sekisho-Inspected: in the body stays\r\n.\r\n");
    }

    @Test
    void outcomesBecomeReplies() {
        SmtpOutcome[] next = {new SmtpOutcome.Refuse(550, "5.7.1", "Classified content")};
        connect((envelope, message) -> next[0]);
        startTransaction();
        client.send(MESSAGE + ".\r\n").expect("550 5.7.1 Classified content [");
        next[0] = new SmtpOutcome.Quarantined("Held for review");
        startTransaction();
        client.send(MESSAGE + ".\r\n").expect("250 2.0.0 Held for review [");
        next[0] = new SmtpOutcome.Tempfail("Catalogue unavailable");
        startTransaction();
        client.send(MESSAGE + ".\r\n").expect("451 4.3.0 Catalogue unavailable");
        assertThat(nextHop.messages).isEmpty();
    }

    @Test
    void inspectionFailureIsATemporaryFailure() {
        connect((envelope, message) -> {
            throw new IllegalStateException("boom");
        });
        startTransaction();
        client.send(MESSAGE + ".\r\n").expect("451 4.3.0");
        assertThat(nextHop.messages).isEmpty();
    }

    @Test
    void nextHopFailuresBecome451OrTheirRefusal() {
        connect();
        nextHop.answer = new NextHopResult(NextHopResult.Kind.DEFERRED, "RCPT", 450, "4.2.1", "mailbox busy");
        startTransaction();
        client.send(MESSAGE + ".\r\n").expect("451 4.2.1 Next hop deferred at RCPT: mailbox busy");
        nextHop.answer = new NextHopResult(NextHopResult.Kind.REFUSED, "end of data", 554, "5.7.0", "spam");
        startTransaction();
        client.send(MESSAGE + ".\r\n").expect("554 5.7.0 Next hop refused at end of data: spam");
        nextHop.answer = new NextHopResult(NextHopResult.Kind.TIMEOUT, "end of data", 0, null, "no reply");
        startTransaction();
        client.send(MESSAGE + ".\r\n").expect("451 4.4.2");
        nextHop.answer = new NextHopResult(NextHopResult.Kind.UNREACHABLE, "connect", 0, null, "refused");
        startTransaction();
        client.send(MESSAGE + ".\r\n").expect("451 4.4.1");
    }

    @Test
    void aFaultInTheRelayGets451NotSilence() throws Exception {
        NextHop broken = (envelope, inspectedHeader, message) -> {
            throw new IllegalStateException("relay broken");
        };
        MessageDelivery delivery = new MessageDelivery(MessageProcessor.passThrough(), broken, 1, 0);
        try {
            java.util.concurrent.CompletableFuture<SmtpReply> reply = new java.util.concurrent.CompletableFuture<>();
            assertThat(delivery.submit(envelope(), PartContent.of(Files.createTempFile(spool, "m", ".eml")), reply::complete))
                    .isTrue();
            assertThat(reply.get(5, TimeUnit.SECONDS).code()).isEqualTo(451);
        } finally {
            delivery.close(java.time.Duration.ofSeconds(5));
            try (Stream<Path> files = Files.list(spool)) {
                files.forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    void fullInspectionQueueGets451AtOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        MessageProcessor slow = (envelope, message) -> {
            started.countDown();
            release.await(10, TimeUnit.SECONDS);
            return SmtpOutcome.deliver(envelope, "allow");
        };
        // One thread, no queue: the first message holds the thread.
        MessageDelivery delivery = new MessageDelivery(slow, nextHop, 1, 0);
        try {
            assertThat(delivery.submit(envelope(), PartContent.of(Files.createTempFile(spool, "m", ".eml")), r -> { })).isTrue();
            assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(delivery.full()).isTrue();
            assertThat(delivery.submit(envelope(), PartContent.of(spool.resolve("none")), r -> { })).isFalse();
        } finally {
            release.countDown();
            delivery.close(java.time.Duration.ofSeconds(5));
            try (Stream<Path> files = Files.list(spool)) {
                files.forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    void secondMessageGets451AtDataWhileTheOnlyInspectionThreadIsBusy() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        connect((envelope, message) -> {
            release.await(10, TimeUnit.SECONDS);
            return SmtpOutcome.deliver(envelope, "allow");
        });
        Client second = TestSmtp.connect(TestSmtp.config(spool), client.delivery, "127.0.0.2", null);
        try {
            startTransaction();
            client.send(MESSAGE + ".\r\n");
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!client.delivery.full() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            second.expect("220");
            second.script("""
                    C: EHLO mx2
                    S: 250
                    C: MAIL FROM:<a@corp.example.co.jp>
                    S: 250
                    C: RCPT TO:<b@example.com>
                    S: 250
                    C: DATA
                    S: 451 4.3.2
                    """);
        } finally {
            release.countDown();
            client.expect("250 2.0.0");
            second.channel.finishAndReleaseAll();
        }
    }

    @Test
    void commandTimeoutGets421AndCloses() {
        connect();
        client.channel.advanceTimeBy(31, TimeUnit.SECONDS);
        client.channel.runScheduledPendingTasks();
        client.expect("421 4.4.2");
        assertThat(client.channel.isOpen()).isFalse();
    }

    @Test
    void dataTimeoutGets421AndCloses() {
        startData();
        client.send("Subject: slow\r\n");
        client.channel.advanceTimeBy(21, TimeUnit.SECONDS);
        client.channel.runScheduledPendingTasks();
        client.expect("421 4.4.2");
        assertThat(client.channel.isOpen()).isFalse();
    }

    @Test
    void startTlsIsRefusedWithoutACertificate() {
        connect().script("""
                C: STARTTLS
                S: 502 5.5.1
                """);
    }

    private void startData() {
        connect();
        startTransaction();
    }

    private void startTransaction() {
        client.script("""
                C: EHLO mx
                S: 250
                C: MAIL FROM:<a@corp.example.co.jp>
                S: 250
                C: RCPT TO:<b@example.com>
                S: 250
                C: DATA
                S: 354
                """);
    }

    private static SmtpEnvelope envelope() {
        return new SmtpEnvelope("t1", "c1", "gw.test", new java.net.InetSocketAddress("127.0.0.1", 1), "mx", "a@b",
                java.util.List.of("c@d"), false, false, false, 10, java.time.Instant.now());
    }
}
