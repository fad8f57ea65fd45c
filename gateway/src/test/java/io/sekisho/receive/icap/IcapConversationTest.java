package io.sekisho.receive.icap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.sekisho.config.HostPort;
import io.sekisho.config.HttpConfig;
import io.sekisho.config.IcapConfig;
import io.sekisho.config.SmtpConfig;
import io.sekisho.receive.http.MarkerProcessor;
import io.sekisho.receive.http.UploadOutcome;
import io.sekisho.receive.http.UploadProcessor;
import io.sekisho.testing.SpoolWatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** ICAP scripts over a socket (what the client sends, what it must read back), and the decoder split anywhere. */
class IcapConversationTest {
    private static final String HTTP_HEAD = "POST http://dest.example/upload HTTP/1.1\r\nHost: dest.example\r\n"
            + "Content-Type: text/plain\r\nContent-Length: 11\r\n\r\n";

    @TempDir
    Path tmp;
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private int start(UploadProcessor processor, int threads, int queue) throws IOException {
        return start(processor, threads, queue, 256 * 1024);
    }

    private int start(UploadProcessor processor, int threads, int queue, long inMemoryBytes) throws IOException {
        HttpConfig limits = new HttpConfig(null, 1 << 20, tmp.resolve("spool"), queue, threads, Duration.ofSeconds(20),
                Duration.ofSeconds(5), Duration.ofMinutes(2), null, new HttpConfig.Tls(null, List.of("all"), List.of(), null,
                Duration.ofDays(1), 10), inMemoryBytes, SmtpConfig.defaultInMemoryTotal());
        IcapServer s = IcapServer.start(new IcapConfig(new HostPort("127.0.0.1", 0), 16, 10), limits, processor);
        open.add(s);
        return s.address().getPort();
    }

    static String reqmod(String extraHeaders, String body) {
        return "REQMOD icap://127.0.0.1/reqmod ICAP/1.0\r\nHost: 127.0.0.1\r\n" + extraHeaders
                + "Encapsulated: req-hdr=0, req-body=" + HTTP_HEAD.length() + "\r\n\r\n" + HTTP_HEAD + body;
    }

    /** Sends, then reads until {@code until} has been seen (or 10 s). */
    private static final class Client implements AutoCloseable {
        private final Socket socket;
        private final ByteArrayOutputStream got = new ByteArrayOutputStream();

        Client(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
        }

        String send(String text, String until) throws IOException {
            OutputStream out = socket.getOutputStream();
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            got.reset();
            byte[] buf = new byte[8192];
            while (!got.toString(StandardCharsets.ISO_8859_1).contains(until)) {
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                got.write(buf, 0, n);
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void optionsOffersReqmodWithPreviewAnd204() throws Exception {
        try (Client c = new Client(start(new MarkerProcessor(), 1, 1))) {
            String r = c.send("OPTIONS icap://127.0.0.1/reqmod ICAP/1.0\r\nHost: 127.0.0.1\r\nEncapsulated: null-body=0\r\n\r\n", "\r\n\r\n");
            assertThat(r).startsWith("ICAP/1.0 200 OK\r\n").contains("Methods: REQMOD\r\n").contains("Preview: 16\r\n")
                    .contains("Allow: 204\r\n").contains("ISTag: ");
        }
    }

    @Test
    void previewThenContinueThenDecision() throws Exception {
        MarkerProcessor p = new MarkerProcessor();
        try (Client c = new Client(start(p, 1, 1))) {
            String r = c.send(reqmod("Allow: 204\r\nPreview: 4\r\n", "4\r\nhell\r\n0\r\n\r\n"), "\r\n\r\n");
            assertThat(r).isEqualTo("ICAP/1.0 100 Continue\r\n\r\n");
            r = c.send("7\r\no world\r\n0\r\n\r\n", "\r\n\r\n");
            assertThat(r).startsWith("ICAP/1.0 204 No Content\r\n");
            assertThat(p.seen.get(0).parts().get(0).text()).isEqualTo("hello world");
            assertThat(p.seen.get(0).request().url()).isEqualTo("http://dest.example/upload");
            // the same connection carries the next request; this one fits in its preview (ieof)
            r = c.send(reqmod("Allow: 204\r\nPreview: 64\r\nX-Client-IP: 10.1.2.3\r\nX-Authenticated-User: dGFybw==\r\n",
                    "b\r\n" + MarkerProcessor.BLOCK.substring(0, 11) + "\r\n0; ieof\r\n\r\n"), "\r\n\r\n");
            assertThat(r).startsWith("ICAP/1.0 204");
            assertThat(p.seen.get(1).request().clientAddress()).isEqualTo("10.1.2.3");
            assertThat(p.seen.get(1).request().user()).isEqualTo("taro");
        }
    }

    @Test
    void blockIsAnEncapsulated403Page() throws Exception {
        MarkerProcessor p = new MarkerProcessor();
        try (Client c = new Client(start(p, 1, 1))) {
            String body = "secret " + MarkerProcessor.BLOCK;
            String r = c.send(reqmod("Allow: 204\r\n", Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n"),
                    "\r\n0\r\n\r\n");
            assertThat(r).startsWith("ICAP/1.0 200 OK\r\n").contains("Encapsulated: res-hdr=0, res-body=")
                    .contains("HTTP/1.1 403 Forbidden\r\n").contains("Upload blocked")
                    .contains(p.seen.get(0).request().transferId());
        }
    }

    @Test
    void aBodyWithinHttpInMemoryBytesMakesNoFileAndOnePastItIsSpooledEchoedIntactAndDeleted() throws Exception {
        MarkerProcessor p = new MarkerProcessor();
        int port = start(p, 1, 1, 64);
        try (SpoolWatch spool = new SpoolWatch(tmp.resolve("spool")); Client c = new Client(port)) {
            String small = "hello world";
            String r = c.send(reqmod("", "b\r\n" + small + "\r\n0\r\n\r\n"), "\r\n0\r\n\r\n");
            assertThat(r).contains(HTTP_HEAD + "b\r\n" + small + "\r\n0\r\n\r\n");
            assertThat(spool.created()).as("a small body never touches the spool").isEmpty();

            String large = "figures ".repeat(25);
            r = c.send(reqmod("", "c8\r\n" + large + "\r\n0\r\n\r\n"), "\r\n0\r\n\r\n");
            assertThat(r).contains(HTTP_HEAD + "c8\r\n" + large + "\r\n0\r\n\r\n");
            assertThat(p.seen.get(1).parts().get(0).text()).isEqualTo(large);
            assertThat(spool.created()).anyMatch(name -> name.startsWith("body-"));
            assertThat(spool.left()).as("the spooled body is deleted once answered").isEmpty();
        }
    }

    @Test
    void withoutAllow204TheRequestIsEchoedUnchanged() throws Exception {
        try (Client c = new Client(start(new MarkerProcessor(), 1, 1))) {
            String r = c.send(reqmod("", "b\r\nhello world\r\n0\r\n\r\n"), "\r\n0\r\n\r\n");
            assertThat(r).startsWith("ICAP/1.0 200 OK\r\n")
                    .contains("Encapsulated: req-hdr=0, req-body=" + HTTP_HEAD.length() + "\r\n\r\n" + HTTP_HEAD + "b\r\nhello world\r\n0\r\n\r\n");
        }
    }

    @Test
    void overloadIsIcap503NeverASilentAllow() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        int port = start((request, parts) -> {
            entered.countDown();
            release.await(10, TimeUnit.SECONDS);
            return UploadOutcome.allow();
        }, 1, 0);
        try (Client first = new Client(port); Client second = new Client(port)) {
            new Thread(() -> {
                try {
                    first.send(reqmod("Allow: 204\r\n", "1\r\na\r\n0\r\n\r\n"), "\r\n\r\n");
                } catch (IOException ignored) {
                    // only the second answer matters
                }
            }).start();
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            String r = second.send(reqmod("Allow: 204\r\n", "1\r\nb\r\n0\r\n\r\n"), "\r\n\r\n");
            release.countDown();
            assertThat(r).startsWith("ICAP/1.0 503 ");
        }
    }

    @Test
    void decoderReadsTheSameMessagesWhereverTheInputIsSplit() {
        String input = reqmod("Preview: 4\r\n", "4\r\nhell\r\n0\r\n\r\n7\r\no world\r\n0\r\n\r\n");
        byte[] all = input.getBytes(StandardCharsets.ISO_8859_1);
        for (int split = 0; split <= all.length; split++) {
            EmbeddedChannel ch = new EmbeddedChannel(new IcapDecoder());
            ch.writeInbound(Unpooled.wrappedBuffer(all, 0, split));
            ch.writeInbound(Unpooled.wrappedBuffer(all, split, all.length - split));
            StringBuilder events = new StringBuilder();
            StringBuilder body = new StringBuilder();
            for (Object m = ch.readInbound(); m != null; m = ch.readInbound()) {
                if (m instanceof IcapMessage.BodyPiece piece) {
                    ByteBuf b = piece.content();
                    body.append(b.toString(StandardCharsets.ISO_8859_1));
                } else {
                    events.append(m.getClass().getSimpleName()).append(' ');
                }
                ReferenceCountUtil.release(m);
            }
            ch.finishAndReleaseAll();
            assertThat(events.toString()).as("split at " + split).isEqualTo("Head HttpHead PreviewEnd End ");
            assertThat(body.toString()).isEqualTo("hello world");
        }
    }
}
