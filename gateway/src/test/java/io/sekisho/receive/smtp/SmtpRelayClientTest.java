package io.sekisho.receive.smtp;

import io.sekisho.config.HostPort;
import io.sekisho.transfer.PartContent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The next-hop client's kept connections (smtp.nextHopIdle), against a scripted next hop. */
class SmtpRelayClientTest {
    private static final String MESSAGE = "From: taro@corp.example.co.jp\r\nTo: partner@example.com\r\nSubject: s\r\n\r\nhello\r\n";

    private FakeNextHop hop;
    private SmtpRelayClient client;

    @AfterEach
    void close() throws IOException {
        if (client != null) {
            client.close();
        }
        if (hop != null) {
            hop.close();
        }
    }

    private SmtpRelayClient client(Duration idle) throws IOException {
        hop = new FakeNextHop();
        client = new SmtpRelayClient(new HostPort("127.0.0.1", hop.port()), "gw.test", Duration.ofSeconds(10), idle, 4);
        return client;
    }

    private NextHopResult send(String id) throws IOException {
        byte[] message = MESSAGE.getBytes(StandardCharsets.UTF_8);
        SmtpEnvelope envelope = new SmtpEnvelope(id, "c1", "gw.test", new InetSocketAddress("127.0.0.1", 1), "mx",
                "taro@corp.example.co.jp", List.of("partner@example.com"), false, false, false, message.length,
                Instant.now());
        return client.relay(envelope, "X-Test: " + id, PartContent.of(message));
    }

    /** Polls: the next hop hears QUIT from another thread, a little after the call that causes it. */
    private static void within5s(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within 5 s").isLessThan(deadline);
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private long count(String command) {
        return hop.commands.stream().filter(c -> c.startsWith(command)).count();
    }

    @Test
    void messagesShareAKeptConnectionWhichSaysQuitWhenTheClientCloses() throws IOException {
        client(Duration.ofSeconds(30));
        for (int i = 0; i < 3; i++) {
            assertThat(send("m" + i).kind()).isEqualTo(NextHopResult.Kind.ACCEPTED);
        }
        assertThat(hop.received).hasSize(3);
        assertThat(hop.connections).hasValue(1);
        assertThat(count("EHLO")).isEqualTo(1);
        assertThat(count("QUIT")).isZero();
        client.close();
        within5s(() -> count("QUIT") == 1);
    }

    @Test
    void withoutIdleTimeEveryMessageHasItsOwnConnection() throws IOException {
        client(Duration.ZERO);
        assertThat(send("a").kind()).isEqualTo(NextHopResult.Kind.ACCEPTED);
        assertThat(send("b").kind()).isEqualTo(NextHopResult.Kind.ACCEPTED);
        within5s(() -> count("QUIT") == 2);
        assertThat(hop.connections).hasValue(2);
        assertThat(hop.received).hasSize(2);
    }

    @Test
    void anUnusedConnectionIsClosedAfterTheIdleTime() throws IOException {
        client(Duration.ofMillis(200));
        assertThat(send("a").kind()).isEqualTo(NextHopResult.Kind.ACCEPTED);
        within5s(() -> count("QUIT") == 1);
        assertThat(send("b").kind()).isEqualTo(NextHopResult.Kind.ACCEPTED);
        assertThat(hop.connections).hasValue(2);
    }

    /** Dropped without a word, or answered 421 (the next hop's idle timer ran out): nothing was handed over yet. */
    @ParameterizedTest
    @EnumSource(value = FakeNextHop.Mode.class, names = {"HANG_UP_AFTER_MESSAGE", "IDLE_421"})
    void aKeptConnectionTheNextHopEndedIsReplacedAndTheMessageArrivesOnce(FakeNextHop.Mode mode) throws IOException {
        client(Duration.ofSeconds(30));
        hop.mode = mode;
        assertThat(send("a").kind()).isEqualTo(NextHopResult.Kind.ACCEPTED);
        assertThat(send("b").kind()).isEqualTo(NextHopResult.Kind.ACCEPTED);
        assertThat(hop.received).hasSize(2);
        assertThat(new String(hop.received.get(1), StandardCharsets.UTF_8)).contains("X-Test: b\r\n");
        assertThat(hop.connections).hasValue(2);
    }

    @Test
    void aRefusalLeavesTheConnectionUsableForTheNextMessage() throws IOException {
        client(Duration.ofSeconds(30));
        hop.mode = FakeNextHop.Mode.REFUSE_END_OF_DATA;
        NextHopResult refused = send("a");
        assertThat(refused.kind()).isEqualTo(NextHopResult.Kind.REFUSED);
        assertThat(refused.code()).isEqualTo(554);
        hop.mode = FakeNextHop.Mode.ACCEPT;
        assertThat(send("b").kind()).isEqualTo(NextHopResult.Kind.ACCEPTED);
        assertThat(hop.connections).hasValue(1);
    }
}
