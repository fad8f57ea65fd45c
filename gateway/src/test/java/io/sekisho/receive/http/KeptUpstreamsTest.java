package io.sekisho.receive.http;

import io.sekisho.config.HttpConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connections to destinations kept between requests (http.upstreamKeepAlive): counted at a
 * socket-level origin, with several requests on one client connection (so on one event loop).
 */
class KeptUpstreamsTest {
    @TempDir
    Path tmp;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final MarkerProcessor processor = new MarkerProcessor();
    private HttpProxyServer proxy;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** How the origin answers and what it does with the connection afterwards. */
    enum Manner {
        /** Content-Length, the connection stays open. */
        KEEP,
        /** Content-Length and Connection: close, then closes. */
        SAY_CLOSE,
        /** Content-Length without a word on the connection, then closes it 100 ms later, unasked. */
        DROP_LATER,
        /** An HTTP/1.0-style body read until the close: no length, no chunks. */
        UNFRAMED
    }

    /** An origin on a raw socket that counts its connections and records each request body. */
    static final class CountingOrigin implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final AtomicInteger connections = new AtomicInteger();
        final List<String> bodies = new CopyOnWriteArrayList<>();
        final CountDownLatch closedByPeer = new CountDownLatch(1);
        private final Manner manner;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();

        CountingOrigin(Manner manner) throws IOException {
            this.manner = manner;
            Thread t = new Thread(this::accept, "counting-origin");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    sockets.add(s);
                    connections.incrementAndGet();
                    Thread t = new Thread(() -> serve(s), "counting-origin-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket s) {
            try (s) {
                s.setSoTimeout(20_000);
                InputStream in = new BufferedInputStream(s.getInputStream());
                OutputStream out = s.getOutputStream();
                while (true) {
                    String head = readHead(in);
                    if (head == null) {
                        closedByPeer.countDown(); // the proxy closed the connection
                        return;
                    }
                    int length = contentLength(head);
                    String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
                    bodies.add(body);
                    String reply = "got " + body.length() + " bytes\n";
                    switch (manner) {
                        case KEEP, DROP_LATER -> out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + reply.length()
                                + "\r\n\r\n" + reply).getBytes(StandardCharsets.US_ASCII));
                        case SAY_CLOSE -> out.write(("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: "
                                + reply.length() + "\r\n\r\n" + reply).getBytes(StandardCharsets.US_ASCII));
                        case UNFRAMED -> out.write(("HTTP/1.1 200 OK\r\n\r\n" + reply).getBytes(StandardCharsets.US_ASCII));
                    }
                    out.flush();
                    if (manner == Manner.DROP_LATER) {
                        Thread.sleep(100);
                    }
                    if (manner != Manner.KEEP) {
                        return;
                    }
                }
            } catch (IOException | InterruptedException e) {
                // the test sees what arrived
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    private String proxyPort(Duration keepAlive) throws IOException {
        HttpConfig c = HttpProxyCurlTest.config(tmp, 1 << 20, 2, 10, null, null).withUpstreamKeepAlive(keepAlive);
        proxy = HttpProxyServer.start(c, processor);
        open.add(proxy);
        return String.valueOf(proxy.address().getPort());
    }

    private CountingOrigin origin(Manner manner) throws IOException {
        CountingOrigin o = new CountingOrigin(manner);
        open.add(o);
        return o;
    }

    /** Sends {@code bodies} as POSTs on one connection to the proxy, pausing {@code pause} between them; the responses. */
    private static List<String> uploads(String proxyPort, int originPort, Duration pause, String... bodies) throws Exception {
        return uploads(proxyPort, i -> "127.0.0.1", originPort, pause, bodies);
    }

    /** As above, the i-th upload addressed to the host {@code hosts.apply(i)}. */
    private static List<String> uploads(String proxyPort, IntFunction<String> hosts, int originPort, Duration pause,
                                        String... bodies) throws Exception {
        List<String> answers = new ArrayList<>();
        try (Socket s = new Socket("127.0.0.1", Integer.parseInt(proxyPort))) {
            s.setSoTimeout(10_000);
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            for (int i = 0; i < bodies.length; i++) {
                if (i > 0) {
                    Thread.sleep(pause.toMillis());
                }
                byte[] body = bodies[i].getBytes(StandardCharsets.UTF_8);
                String host = hosts.apply(i);
                out.write(("POST http://" + host + ":" + originPort + "/up/" + i + " HTTP/1.1\r\nHost: " + host + ":" + originPort
                        + "\r\nContent-Type: text/plain\r\nContent-Length: " + body.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                String head = readHead(in);
                assertThat(head).as("response %d", i).isNotNull();
                int length = contentLength(head);
                String status = head.substring(0, head.indexOf("\r\n"));
                String text = length >= 0 ? new String(in.readNBytes(length), StandardCharsets.UTF_8)
                        : new String(in.readAllBytes(), StandardCharsets.UTF_8);
                answers.add(status + " | " + text);
                if (length < 0) {
                    break; // read until the close: this connection is over
                }
            }
        }
        return answers;
    }

    @Test
    void uploadsToOneDestinationShareOneConnectionToIt() throws Exception {
        CountingOrigin origin = origin(Manner.KEEP);
        List<String> answers = uploads(proxyPort(Duration.ofSeconds(5)), origin.port(), Duration.ZERO,
                "first upload", "second, longer upload", "third");
        assertThat(answers).containsExactly("HTTP/1.1 200 OK | got 12 bytes\n", "HTTP/1.1 200 OK | got 21 bytes\n",
                "HTTP/1.1 200 OK | got 5 bytes\n");
        assertThat(origin.bodies).containsExactly("first upload", "second, longer upload", "third");
        assertThat(origin.connections.get()).isEqualTo(1);
        // Kept once the last response is written (the client may read it a moment before), after the client left.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (proxy.keptConnections() != 1 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(proxy.keptConnections()).isEqualTo(1);
    }

    @Test
    void hostNamesThatDifferOnlyInCaseShareAConnection() throws Exception {
        // Host names are case-insensitive (RFC 4343): three spellings of one destination, one connection.
        CountingOrigin origin = origin(Manner.KEEP);
        String[] spellings = {"localhost", "LOCALHOST", "LocalHost"};
        List<String> answers = uploads(proxyPort(Duration.ofSeconds(5)), i -> spellings[i], origin.port(), Duration.ZERO,
                "a", "b", "c");
        assertThat(answers).allMatch(a -> a.startsWith("HTTP/1.1 200 OK"));
        assertThat(origin.bodies).containsExactly("a", "b", "c");
        assertThat(origin.connections.get()).isEqualTo(1);
    }

    @Test
    void withKeepAliveOffEveryUploadHasItsOwnConnection() throws Exception {
        CountingOrigin origin = origin(Manner.KEEP);
        List<String> answers = uploads(proxyPort(Duration.ZERO), origin.port(), Duration.ZERO, "a", "b", "c");
        assertThat(answers).allMatch(a -> a.startsWith("HTTP/1.1 200 OK"));
        assertThat(origin.bodies).containsExactly("a", "b", "c");
        assertThat(origin.connections.get()).isEqualTo(3);
    }

    @Test
    void aConnectionTheDestinationSaidItWouldCloseIsNotKept() throws Exception {
        CountingOrigin origin = origin(Manner.SAY_CLOSE);
        List<String> answers = uploads(proxyPort(Duration.ofSeconds(5)), origin.port(), Duration.ZERO, "a", "b", "c");
        assertThat(answers).allMatch(a -> a.startsWith("HTTP/1.1 200 OK"));
        assertThat(origin.bodies).containsExactly("a", "b", "c");
        assertThat(origin.connections.get()).isEqualTo(3);
    }

    @Test
    void aKeptConnectionTheDestinationClosedIsNotUsed() throws Exception {
        // The origin keeps quiet about closing and closes 100 ms after each response: the proxy,
        // reading its kept connections, sees the close, and the next upload goes on a new one.
        CountingOrigin origin = origin(Manner.DROP_LATER);
        List<String> answers = uploads(proxyPort(Duration.ofSeconds(5)), origin.port(), Duration.ofMillis(600),
                "a", "b", "c");
        assertThat(answers).allMatch(a -> a.startsWith("HTTP/1.1 200 OK"));
        assertThat(origin.bodies).containsExactly("a", "b", "c");
        assertThat(origin.connections.get()).isEqualTo(3);
    }

    @Test
    void aResponseReadUntilTheCloseEndsItsConnection() throws Exception {
        CountingOrigin origin = origin(Manner.UNFRAMED);
        String port = proxyPort(Duration.ofSeconds(5));
        assertThat(uploads(port, origin.port(), Duration.ZERO, "a")).containsExactly("HTTP/1.1 200 OK | got 1 bytes\n");
        assertThat(uploads(port, origin.port(), Duration.ZERO, "b")).containsExactly("HTTP/1.1 200 OK | got 1 bytes\n");
        assertThat(origin.connections.get()).isEqualTo(2);
    }

    @Test
    void aKeptConnectionIsClosedOnceItsTimeIsUp() throws Exception {
        CountingOrigin origin = origin(Manner.KEEP);
        String port = proxyPort(Duration.ofMillis(300));
        long start = System.nanoTime();
        assertThat(uploads(port, origin.port(), Duration.ZERO, "a")).hasSize(1);
        // Closed by the proxy about 300 ms after the response (bounded wait; the client is gone too).
        assertThat(origin.closedByPeer.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(proxy.keptConnections()).isZero();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
        // Once it is closed, the next upload opens a new one.
        assertThat(uploads(port, origin.port(), Duration.ZERO, "b")).containsExactly("HTTP/1.1 200 OK | got 1 bytes\n");
        assertThat(origin.connections.get()).isEqualTo(2);
    }

    /** The head up to the blank line, or null at the end of the stream. */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                return null;
            }
            b.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1
                    : c == '\r' ? 1 : 0;
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    /** The Content-Length of a head, or -1. */
    static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        return -1;
    }
}
