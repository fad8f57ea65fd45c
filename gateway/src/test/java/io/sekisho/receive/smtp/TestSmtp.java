package io.sekisho.receive.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.sekisho.config.Cidr;
import io.sekisho.config.HostPort;
import io.sekisho.config.SmtpConfig;
import io.sekisho.transfer.PartContent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Test fixtures: a session on an EmbeddedChannel, a next hop that records, and a script runner. */
final class TestSmtp {
    static final int MAX_MESSAGE = 10_000;
    static final int MAX_RECIPIENTS = 3;

    private TestSmtp() {
    }

    static SmtpConfig config(Path spool) {
        return new SmtpConfig(new HostPort("127.0.0.1", 0), new HostPort("127.0.0.1", 1), List.of(Cidr.parse("127.0.0.0/8")),
                "gw.test", MAX_MESSAGE, MAX_RECIPIENTS, 512, Duration.ofSeconds(30), Duration.ofSeconds(20), 10, 5, 0, 1,
                Duration.ofSeconds(5), Duration.ofSeconds(5), spool, null);
    }

    /** A next hop that keeps what it was sent and answers as told. */
    static final class RecordingNextHop implements NextHop {
        final List<SmtpEnvelope> envelopes = new CopyOnWriteArrayList<>();
        final List<String> messages = new CopyOnWriteArrayList<>();
        volatile NextHopResult answer = new NextHopResult(NextHopResult.Kind.ACCEPTED, "end of data", 250, "2.0.0", "queued as X1");

        @Override
        public NextHopResult relay(SmtpEnvelope envelope, String inspectedHeader, PartContent message) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                RelayedMessage.writeTo(out, inspectedHeader, message);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            envelopes.add(envelope);
            messages.add(out.toString(StandardCharsets.UTF_8));
            return answer;
        }
    }

    /** An EmbeddedChannel whose peer has an Internet address, so the gate can judge it. */
    static final class ClientChannel extends EmbeddedChannel {
        private final InetSocketAddress remote;

        ClientChannel(String clientIp) {
            super(false, false);
            this.remote = new InetSocketAddress(clientIp, 40000);
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return remote;
        }
    }

    /** A session with the given pieces, connected from {@code clientIp}, greeting already read. */
    static Client connect(SmtpConfig config, MessageProcessor processor, NextHop nextHop, String clientIp, SslContext tls) {
        MessageDelivery delivery = new MessageDelivery(processor, nextHop, config.inspectionThreads(), config.inspectionQueue());
        return connect(config, delivery, clientIp, tls);
    }

    static Client connect(SmtpConfig config, MessageDelivery delivery, String clientIp, SslContext tls) {
        ClientChannel ch = new ClientChannel(clientIp);
        new SmtpServerInitializer(config, tls, new ConnectionLimits(config.maxConnections(), config.maxConnectionsPerClient()),
                delivery, new DefaultChannelGroup(GlobalEventExecutor.INSTANCE)).assemble(ch.pipeline());
        try {
            ch.register();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return new Client(ch, delivery);
    }

    /** The client side of a conversation: send bytes, read whole replies. */
    static final class Client {
        final ClientChannel channel;
        final MessageDelivery delivery;
        private final StringBuilder received = new StringBuilder();

        Client(ClientChannel channel, MessageDelivery delivery) {
            this.channel = channel;
            this.delivery = delivery;
        }

        Client send(String raw) {
            channel.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.UTF_8));
            return this;
        }

        Client line(String line) {
            return send(line + "\r\n");
        }

        /** Sends {@code raw} one byte per read. */
        Client sendByteByByte(String raw) {
            for (byte b : raw.getBytes(StandardCharsets.UTF_8)) {
                channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
            }
            return this;
        }

        /** The next complete reply (all its lines), waiting up to 5 s for inspection threads. */
        String reply() {
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (true) {
                channel.runPendingTasks();
                ByteBuf out;
                while ((out = channel.readOutbound()) != null) {
                    received.append(out.toString(StandardCharsets.UTF_8));
                    out.release();
                }
                int end = completeReply();
                if (end > 0) {
                    String r = received.substring(0, end);
                    received.delete(0, end);
                    return r;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no complete reply; have: " + received);
                }
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
        }

        /** Nothing more was written (call after the exchange is over). */
        String pending() {
            channel.runPendingTasks();
            ByteBuf out;
            while ((out = channel.readOutbound()) != null) {
                received.append(out.toString(StandardCharsets.UTF_8));
                out.release();
            }
            return received.toString();
        }

        private int completeReply() {
            int pos = 0;
            while (true) {
                int eol = received.indexOf("\r\n", pos);
                if (eol < 0) {
                    return -1;
                }
                String l = received.substring(pos, eol);
                if (l.length() < 4 || l.charAt(3) == ' ') {
                    return eol + 2;
                }
                pos = eol + 2;
            }
        }

        /** Asserts the next reply starts with {@code prefix} ("250", "550 5.6.0") and returns it. */
        String expect(String prefix) {
            String r = reply();
            assertThat(r).as("reply").startsWith(prefix);
            return r;
        }

        /**
         * Runs a script: "C: line" is sent with CRLF, "S: 250 2.1.0" expects a reply starting so.
         * Several C lines before an S are sent one by one without waiting (pipelining).
         */
        Client script(String script) {
            for (String l : script.strip().split("\n")) {
                String s = l.strip();
                if (s.startsWith("C: ")) {
                    line(s.substring(3));
                } else if (s.startsWith("S: ")) {
                    expect(s.substring(3));
                } else if (!s.isEmpty()) {
                    throw new IllegalArgumentException("script line: " + s);
                }
            }
            return this;
        }

        void close() {
            channel.finishAndReleaseAll();
            delivery.close();
        }
    }

    static List<String> codes(List<String> replies) {
        List<String> out = new ArrayList<>();
        for (String r : replies) {
            out.add(r.substring(0, 3));
        }
        return out;
    }
}
