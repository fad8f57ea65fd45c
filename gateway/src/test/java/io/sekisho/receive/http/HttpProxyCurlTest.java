package io.sekisho.receive.http;

import io.sekisho.config.HostPort;
import io.sekisho.config.HttpConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The forward proxy on a loopback port, driven by curl (and a raw socket where curl is too polite). */
class HttpProxyCurlTest {
    @TempDir
    Path tmp;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final MarkerProcessor processor = new MarkerProcessor();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    static HttpConfig config(Path tmp, long maxBody, int threads, int queue, Path users, HttpConfig.Tls tls) {
        return new HttpConfig(new HostPort("127.0.0.1", 0), maxBody, tmp.resolve("spool"), queue, threads,
                Duration.ofSeconds(20), Duration.ofSeconds(5), Duration.ofMinutes(2), users,
                tls != null ? tls : new HttpConfig.Tls(null, List.of("all"), List.of(), null, Duration.ofDays(1), 100));
    }

    private String proxy(HttpConfig config, UploadProcessor p) throws IOException {
        HttpProxyServer s = HttpProxyServer.start(config, p);
        open.add(s);
        return "http://127.0.0.1:" + s.address().getPort();
    }

    private String proxy() throws IOException {
        return proxy(config(tmp, 10L * 1024 * 1024, 2, 10, null, null), processor);
    }

    private TestOrigin origin() throws IOException {
        TestOrigin o = new TestOrigin();
        open.add(o);
        return o;
    }

    private Path file(String name, String content) throws IOException {
        Path f = tmp.resolve(name);
        Files.writeString(f, content);
        return f;
    }

    @Test
    void cleanMultipartUploadArrivesIntact() throws Exception {
        TestOrigin origin = origin();
        Path report = file("report.txt", "Quarterly figures, nothing secret.\n");
        HttpTools.Result r = HttpTools.curl(proxy(), "-F", "file=@" + report + ";type=text/plain", "-F", "comment=hello there",
                "http://127.0.0.1:" + origin.port() + "/upload?x=1");
        assertThat(r.status()).as(r.output()).isEqualTo(200);
        assertThat(origin.received).hasSize(1);
        TestOrigin.Received got = origin.received.get(0);
        assertThat(got.uri()).isEqualTo("/upload?x=1");
        assertThat(got.text()).contains("Quarterly figures, nothing secret.").contains("hello there");
        assertThat(got.header("Content-Type")).startsWith("multipart/form-data; boundary=");
        assertThat(processor.seen).hasSize(1);
        List<MarkerProcessor.SeenPart> parts = processor.seen.get(0).parts();
        assertThat(parts).extracting(MarkerProcessor.SeenPart::name).containsExactly("report.txt", UploadParts.FORM_FIELDS);
        assertThat(parts.get(0).text()).isEqualTo("Quarterly figures, nothing secret.\n");
        assertThat(parts.get(1).text()).isEqualTo("comment: hello there\n");
        UploadRequest req = processor.seen.get(0).request();
        assertThat(req.host()).isEqualTo("127.0.0.1");
        assertThat(req.user()).isNull();
        assertThat(req.clientAddress()).isEqualTo("127.0.0.1");
        assertThat(req.url()).isEqualTo("http://127.0.0.1:" + origin.port() + "/upload?x=1");
    }

    @Test
    void aFaultAfterInspectionEndsTheClientsConnectionAtOnce() throws Exception {
        // A resolver that fails in a way nobody planned for (not UnknownHostException): the client
        // must see its connection end, not wait for http.idleTimeout (20 s here).
        HttpProxyServer s = HttpProxyServer.start(config(tmp, 1 << 20, 2, 10, null, null), processor, host -> {
            throw new IllegalStateException("resolver broken");
        });
        open.add(s);
        long start = System.nanoTime();
        HttpTools.Result r = HttpTools.curl("http://127.0.0.1:" + s.address().getPort(), "--data", "a=1",
                "http://upload.example.com/x");
        assertThat(r.exitCode()).as(r.output()).isEqualTo(52); // curl: empty reply from server
        assertThat(System.nanoTime() - start).isLessThan(java.util.concurrent.TimeUnit.SECONDS.toNanos(10));
        assertThat(processor.seen).hasSize(1);
    }

    @Test
    void blockedUploadGets403AndTheOriginNeverSeesIt() throws Exception {
        TestOrigin origin = origin();
        Path secret = file("plan.txt", "The plan: " + MarkerProcessor.BLOCK + "\n");
        HttpTools.Result r = HttpTools.curl(proxy(), "-F", "file=@" + secret, "http://127.0.0.1:" + origin.port() + "/upload");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.output()).contains("Upload blocked").contains("plan.txt")
                .contains(processor.seen.get(0).request().transferId());
        assertThat(origin.received).isEmpty();
        assertThat(processor.awaitStatuses(1)).containsExactly(403);
    }

    @Test
    void blockPageIsJsonForClientsThatAskForJson() throws Exception {
        TestOrigin origin = origin();
        HttpTools.Result r = HttpTools.curl(proxy(), "-H", "Accept: application/json", "--data-binary",
                "x=" + MarkerProcessor.BLOCK, "http://127.0.0.1:" + origin.port() + "/api");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.output()).contains("\"status\":403").contains("\"incident\":\"" + processor.seen.get(0).request().transferId());
        assertThat(origin.received).isEmpty();
    }

    @Test
    void quarantinedUploadGets403SayingItIsHeld() throws Exception {
        TestOrigin origin = origin();
        HttpTools.Result r = HttpTools.curl(proxy(), "--data-binary", "notes " + MarkerProcessor.HOLD,
                "-H", "Content-Type: text/plain", "http://127.0.0.1:" + origin.port() + "/notes");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.output()).contains("held for review");
        assertThat(origin.received).isEmpty();
    }

    @Test
    void formFieldsAreDecodedForInspection() throws Exception {
        TestOrigin origin = origin();
        HttpTools.Result r = HttpTools.curl(proxy(), "--data-urlencode", "msg=" + MarkerProcessor.BLOCK + " & more",
                "http://127.0.0.1:" + origin.port() + "/form");
        assertThat(r.status()).isEqualTo(403);
        assertThat(processor.seen.get(0).parts().get(0).text()).isEqualTo("msg: " + MarkerProcessor.BLOCK + " & more\n");
    }

    @Test
    void gzipBodyIsDecodedForInspectionButForwardedUnchanged() throws Exception {
        TestOrigin origin = origin();
        byte[] gz = gzip("compressed report text\n".repeat(50));
        Path f = tmp.resolve("body.gz");
        Files.write(f, gz);
        HttpTools.Result r = HttpTools.curl(proxy(), "--data-binary", "@" + f, "-H", "Content-Encoding: gzip",
                "-H", "Content-Type: text/plain", "http://127.0.0.1:" + origin.port() + "/gz");
        assertThat(r.status()).as(r.output()).isEqualTo(200);
        assertThat(origin.received.get(0).body()).isEqualTo(gz);
        assertThat(origin.received.get(0).header("Content-Encoding")).isEqualTo("gzip");
        assertThat(processor.seen.get(0).parts().get(0).text()).isEqualTo("compressed report text\n".repeat(50));

        Files.write(f, gzip("hidden " + MarkerProcessor.BLOCK));
        r = HttpTools.curl(proxy(), "--data-binary", "@" + f, "-H", "Content-Encoding: gzip",
                "http://127.0.0.1:" + origin.port() + "/gz");
        assertThat(r.status()).isEqualTo(403);
        assertThat(origin.received).hasSize(1);
    }

    @Test
    void chunkedUploadIsInspectedAndForwardedWhole() throws Exception {
        TestOrigin origin = origin();
        String body = "line of text\n".repeat(20_000);
        Path f = file("big.txt", body);
        HttpTools.Result r = HttpTools.curl(proxy(), "-H", "Transfer-Encoding: chunked", "-H", "Content-Type: text/plain", "--data-binary", "@" + f,
                "http://127.0.0.1:" + origin.port() + "/chunked");
        assertThat(r.status()).as(r.output()).isEqualTo(200);
        assertThat(origin.received.get(0).text()).isEqualTo(body);
        assertThat(processor.seen.get(0).parts().get(0).text()).isEqualTo(body);
    }

    @Test
    void expect100ContinueIsAnsweredByTheProxyAndTheBodyInspected() throws Exception {
        TestOrigin origin = origin();
        Path f = file("e.txt", "x".repeat(5000));
        HttpTools.Result r = HttpTools.curl(proxy(), "-v", "-H", "Expect: 100-continue", "--data-binary", "@" + f,
                "http://127.0.0.1:" + origin.port() + "/expect");
        assertThat(r.status()).as(r.output()).isEqualTo(200);
        assertThat(r.output()).contains("HTTP/1.1 100 Continue");
        assertThat(origin.received.get(0).body()).hasSize(5000);

        Files.writeString(f, MarkerProcessor.BLOCK + "y".repeat(5000));
        r = HttpTools.curl(proxy(), "-H", "Expect: 100-continue", "--data-binary", "@" + f,
                "http://127.0.0.1:" + origin.port() + "/expect");
        assertThat(r.status()).isEqualTo(403);
        assertThat(origin.received).hasSize(1);
    }

    @Test
    void keepAliveConnectionCarriesSeveralRequests() throws Exception {
        TestOrigin origin = origin();
        String base = "http://127.0.0.1:" + origin.port();
        HttpTools.Result r = HttpTools.curl(proxy(), "-v", base + "/a", base + "/b", base + "/c");
        assertThat(r.output()).contains("origin got GET /a").contains("origin got GET /b").contains("origin got GET /c");
        assertThat(r.output()).doesNotContainIgnoringCase("Closing connection 0");
        assertThat(r.output()).containsIgnoringCase("Re-using existing connection");
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        TestOrigin origin = origin();
        String proxy = proxy();
        int port = Integer.parseInt(proxy.substring(proxy.lastIndexOf(':') + 1));
        String target = "http://127.0.0.1:" + origin.port();
        String requests = "GET " + target + "/one HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                + "POST " + target + "/two HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nhello"
                + "POST " + target + "/three HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
                + "GET " + target + "/four HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
        String answer = RawClient.exchange(port, requests);
        assertThat(answer).containsSubsequence("origin got GET /one", "origin got POST /two with 5 bytes",
                "origin got POST /three with 3 bytes", "origin got GET /four");
        assertThat(origin.received).extracting(TestOrigin.Received::uri).containsExactly("/one", "/two", "/three", "/four");
    }

    @Test
    void bodyPastTheLimitIsInspectedAsTruncatedThenForwardedWhole() throws Exception {
        TestOrigin origin = origin();
        String proxy = proxy(config(tmp, 2048, 2, 10, null, null), processor);
        String body = "0123456789".repeat(1000);
        Path f = file("large.txt", body);
        HttpTools.Result r = HttpTools.curl(proxy, "--data-binary", "@" + f, "http://127.0.0.1:" + origin.port() + "/large");
        assertThat(r.status()).as(r.output()).isEqualTo(200);
        assertThat(origin.received.get(0).text()).isEqualTo(body);
        MarkerProcessor.SeenPart part = processor.seen.get(0).parts().get(0);
        assertThat(part.uninspectable()).isEqualTo(UploadParts.TRUNCATED);
        assertThat(part.content()).hasSize(2048);
    }

    @Test
    void fullInspectionQueueGets503() throws Exception {
        TestOrigin origin = origin();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        UploadProcessor slow = (request, parts) -> {
            entered.countDown();
            release.await(20, TimeUnit.SECONDS);
            return UploadOutcome.allow();
        };
        String proxy = proxy(config(tmp, 1 << 20, 1, 0, null, null), slow);
        Thread first = new Thread(() -> {
            try {
                HttpTools.curl(proxy, "--data", "a=1", "http://127.0.0.1:" + origin.port() + "/first");
            } catch (Exception ignored) {
                // asserted through the origin
            }
        });
        first.start();
        assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();
        HttpTools.Result r = HttpTools.curl(proxy, "--data", "b=2", "http://127.0.0.1:" + origin.port() + "/second");
        release.countDown();
        first.join(30_000);
        assertThat(r.status()).isEqualTo(503);
        assertThat(origin.received).extracting(TestOrigin.Received::uri).containsExactly("/first");
    }

    @Test
    void processorFailureIsATempfailNotAnAllow() throws Exception {
        TestOrigin origin = origin();
        String proxy = proxy(config(tmp, 1 << 20, 1, 1, null, null), (request, parts) -> {
            throw new IllegalStateException("extractor died");
        });
        HttpTools.Result r = HttpTools.curl(proxy, "--data", "a=1", "http://127.0.0.1:" + origin.port() + "/x");
        assertThat(r.status()).isEqualTo(503);
        assertThat(origin.received).isEmpty();
    }

    @Test
    void proxyAuthenticationNamesTheUser() throws Exception {
        TestOrigin origin = origin();
        Path users = tmp.resolve("users");
        Files.writeString(users, "# proxy users\n" + ProxyUsers.line("taro", "s3cret pass", ProxyUsers.MIN_ITERATIONS) + "\n");
        String proxy = proxy(config(tmp, 1 << 20, 2, 10, users, null), processor);
        String url = "http://127.0.0.1:" + origin.port() + "/auth";
        HttpTools.Result none = HttpTools.curl(proxy, "-i", "--data", "a=1", url);
        assertThat(none.status()).isEqualTo(407);
        assertThat(none.output()).containsIgnoringCase("Proxy-Authenticate: Basic realm=\"Sekisho\"");
        assertThat(HttpTools.curl(proxy, "-U", "taro:wrong", "--data", "a=1", url).status()).isEqualTo(407);
        HttpTools.Result ok = HttpTools.curl(proxy, "-U", "taro:s3cret pass", "--data", "a=1", url);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(processor.seen).extracting(s -> s.request().user()).containsExactly("taro");
        assertThat(origin.received.get(0).header("Proxy-Authorization")).isNull();
    }

    @Test
    void smugglingAttemptsGet400AndReachNobody() throws Exception {
        TestOrigin origin = origin();
        String proxy = proxy();
        int port = Integer.parseInt(proxy.substring(proxy.lastIndexOf(':') + 1));
        String t = "POST http://127.0.0.1:" + origin.port() + "/s HTTP/1.1\r\nHost: 127.0.0.1\r\n";
        List<String> attacks = List.of(
                t + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                t + "Content-Length: 4\r\nContent-Length: 5\r\n\r\nabcde",
                t + "Content-Length: 4\r\nContent-Length: 4\r\n\r\nabcd",
                t + "Content-Length: +4\r\n\r\nabcd",
                t + "Content-Length: 4, 4\r\n\r\nabcd",
                t + "Content-Length: 4\r\nX-Folded: a\r\n b\r\n\r\nabcd",
                t + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabcd\r\n0\r\n\r\n",
                t + "Transfer-Encoding: chunked\r\n\r\n4\r\nabcdef\r\n0\r\n\r\n",
                t + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
                t + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n",
                t + "X-Injected: a\rContent-Length: 4\r\n\r\nabcd",
                t + "X-Injected: a\nContent-Length: 4\r\n\r\nabcd",
                "POST http://127.0.0.1:" + origin.port() + "/s HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                "GET /relative HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        for (String attack : attacks) {
            String answer = RawClient.exchange(port, attack);
            assertThat(answer).as(attack).startsWith("HTTP/1.1 400 ").containsIgnoringCase("Connection: close");
        }
        assertThat(origin.received).isEmpty();
        assertThat(processor.seen).isEmpty();
    }

    @Test
    void smuggledSecondRequestInABodyIsNeverSeparated() throws Exception {
        TestOrigin origin = origin();
        String proxy = proxy();
        int port = Integer.parseInt(proxy.substring(proxy.lastIndexOf(':') + 1));
        String inner = "GET http://127.0.0.1:" + origin.port() + "/smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
        String outer = "POST http://127.0.0.1:" + origin.port() + "/outer HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: "
                + inner.length() + "\r\nConnection: close\r\n\r\n" + inner;
        String answer = RawClient.exchange(port, outer);
        assertThat(answer).startsWith("HTTP/1.1 200");
        assertThat(origin.received).extracting(TestOrigin.Received::uri).containsExactly("/outer");
        assertThat(origin.received.get(0).text()).isEqualTo(inner);
    }

    @Test
    void responseReadUntilCloseIsRelayedAndEnds() throws Exception {
        try (java.net.ServerSocket origin = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (Socket s = origin.accept()) {
                    InputStream in = s.getInputStream();
                    StringBuilder head = new StringBuilder();
                    while (!head.toString().endsWith("\r\n\r\n")) {
                        int b = in.read();
                        if (b < 0) {
                            return;
                        }
                        head.append((char) b);
                    }
                    s.getOutputStream().write("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the origin closes\n"
                            .getBytes(StandardCharsets.US_ASCII));
                } catch (IOException ignored) {
                    // the assertion below says what went wrong
                }
            });
            t.start();
            HttpTools.Result r = HttpTools.curl(proxy(), "--max-time", "10", "http://127.0.0.1:" + origin.getLocalPort() + "/old");
            assertThat(r.exitCode()).as(r.output()).isZero();
            assertThat(r.output()).contains("until the origin closes").endsWith("200");
            t.join(5000);
        }
    }

    @Test
    void silentDestinationGets504AfterTheUpstreamTimeout() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            HttpConfig c = config(tmp, 1 << 20, 2, 10, null, null);
            c = new HttpConfig(c.listen(), c.maxBodyBytes(), c.spoolDir(), c.inspectionQueue(), c.inspectionThreads(),
                    c.idleTimeout(), Duration.ofSeconds(1), c.inspectionTimeout(), null, c.tls());
            HttpTools.Result r = HttpTools.curl(proxy(c, processor), "--data", "a=1", "http://127.0.0.1:" + silent.getLocalPort() + "/x");
            assertThat(r.status()).isEqualTo(504);
        }
    }

    /**
     * A destination that answers at once and then never reads the body: the proxy relays its
     * answer, and the write of a body held in memory (sent from the event loop) stalls once the
     * kernel's socket buffers are full. The write's own timer (the upstream timeout, 1 s here) must
     * end the exchange: the destination's idleness no longer does once its answer has begun, and
     * the client connection's idle timeout (20 s) comes far later.
     */
    @Test
    void aWriteToADestinationThatStopsReadingEndsAfterTheUpstreamTimeout() throws Exception {
        try (java.net.ServerSocket early = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            Thread answerer = new Thread(() -> {
                try {
                    java.net.Socket s = early.accept();
                    s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nearly".getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    // Neither reads nor closes: the socket stays open until the server socket closes.
                    Thread.sleep(60_000);
                } catch (IOException | InterruptedException ignored) {
                    // the test is over
                }
            }, "early-answerer");
            answerer.setDaemon(true);
            answerer.start();
            long body = 48L << 20;
            HttpConfig c = config(tmp, 2 * body, 2, 10, null, null);
            c = new HttpConfig(c.listen(), c.maxBodyBytes(), c.spoolDir(), c.inspectionQueue(), c.inspectionThreads(),
                    c.idleTimeout(), Duration.ofSeconds(1), c.inspectionTimeout(), null, c.tls(), 2 * body, c.inMemoryTotal());
            Path f = tmp.resolve("large.bin");
            try (OutputStream out = Files.newOutputStream(f)) {
                byte[] line = "a line of an upload that nobody reads\n".getBytes(StandardCharsets.US_ASCII);
                for (long written = 0; written < body; written += line.length) {
                    out.write(line);
                }
            }
            long start = System.nanoTime();
            HttpTools.Result r = HttpTools.curl(proxy(c, processor), "--data-binary", "@" + f,
                    "http://127.0.0.1:" + early.getLocalPort() + "/early");
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;

            assertThat(r.output()).contains("early");
            // curl: 18 = the answer ended short (the proxy closed the connection), not 28 (its own timeout).
            assertThat(r.exitCode()).as(r.output()).isEqualTo(18);
            assertThat(seconds).as("seconds until the proxy gave up").isLessThan(15);
            answerer.interrupt();
        }
    }

    @Test
    void allowedUploadReportsTheStatusTheClientGot() throws Exception {
        TestOrigin origin = origin();
        HttpTools.Result r = HttpTools.curl(proxy(), "--data", "a=1", "http://127.0.0.1:" + origin.port() + "/ok");
        assertThat(r.status()).as(r.output()).isEqualTo(200);
        assertThat(processor.awaitStatuses(1)).containsExactly(200);
    }

    @Test
    void refusedDestinationGets502AndIsReported() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        HttpTools.Result r = HttpTools.curl(proxy(), "--data", "a=1", "http://127.0.0.1:" + closed + "/x");
        assertThat(r.status()).as(r.output()).isEqualTo(502);
        assertThat(r.output()).contains("cannot connect to 127.0.0.1:" + closed);
        assertThat(processor.awaitStatuses(1)).containsExactly(502);
    }

    @Test
    void bodySpooledToDiskIsForwardedWholeOnTheSameConnection() throws Exception {
        TestOrigin origin = origin();
        String body = "0123456789".repeat(20_000);
        String proxy = proxy(spooling(), processor);
        int port = Integer.parseInt(proxy.substring(proxy.lastIndexOf(':') + 1));
        String target = "http://127.0.0.1:" + origin.port();
        String answer = RawClient.exchange(port,
                "POST " + target + "/disk HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + body.length() + "\r\n\r\n" + body
                + "POST " + target + "/memory HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nConnection: close\r\n\r\nsmall");
        assertThat(answer).containsSubsequence("origin got POST /disk with " + body.length() + " bytes",
                "origin got POST /memory with 5 bytes");
        assertThat(origin.received).extracting(TestOrigin.Received::uri).containsExactly("/disk", "/memory");
        assertThat(origin.received.get(0).text()).isEqualTo(body);
        assertThat(processor.seen.get(0).parts().get(0).content()).hasSize(body.length());
    }

    @Test
    void chunkedBodySpooledToDiskIsForwardedWholeAsChunks() throws Exception {
        TestOrigin origin = origin();
        String proxy = proxy(spooling(), processor);
        String body = "chunked line of text\n".repeat(30_000);
        Path f = file("spooled-chunked.txt", body);
        HttpTools.Result r = HttpTools.curl(proxy, "-H", "Transfer-Encoding: chunked", "-H", "Content-Type: text/plain",
                "--data-binary", "@" + f, "http://127.0.0.1:" + origin.port() + "/spooled-chunked");
        assertThat(r.status()).as(r.output()).isEqualTo(200);
        assertThat(origin.received).singleElement().satisfies(got -> assertThat(got.text()).isEqualTo(body));
        assertThat(processor.seen.get(0).parts().get(0).content()).hasSize(body.length());
    }

    /** A proxy configuration that keeps at most 16 bytes of a body in memory: the rest goes to the spool. */
    private HttpConfig spooling() {
        HttpConfig c = config(tmp, 1 << 20, 2, 10, null, null);
        return new HttpConfig(c.listen(), c.maxBodyBytes(), c.spoolDir(), c.inspectionQueue(), c.inspectionThreads(),
                c.idleTimeout(), c.upstreamTimeout(), c.inspectionTimeout(), null, c.tls(), 16, c.inMemoryTotal());
    }

    private static byte[] gzip(String s) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream o = new GZIPOutputStream(b)) {
            o.write(s.getBytes(StandardCharsets.UTF_8));
        }
        return b.toByteArray();
    }

    /** A socket that writes raw bytes and reads until the proxy closes (or 20 s). */
    static final class RawClient {
        static String exchange(int port, String request) throws IOException {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(20_000);
                OutputStream out = s.getOutputStream();
                out.write(request.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                InputStream in = s.getInputStream();
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                byte[] buf = new byte[8192];
                int n;
                try {
                    while ((n = in.read(buf)) > 0) {
                        got.write(buf, 0, n);
                    }
                } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
                    // what arrived is the answer
                }
                return got.toString(StandardCharsets.ISO_8859_1);
            }
        }
    }
}
