package io.sekisho.receive.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;

/** A tiny origin (the JDK's HttpServer, plain or TLS) that records every request it receives. */
public final class TestOrigin implements AutoCloseable {
    /** @param clientPort the port the request came from: the same for requests on one connection */
    public record Received(String method, String uri, Map<String, List<String>> headers, byte[] body, int clientPort) {
        public String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    public final List<Received> received = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);

    public TestOrigin() throws IOException {
        this(null);
    }

    /** With {@code tls}, an HTTPS origin using that context (its certificate from a test CA). */
    public TestOrigin(SSLContext tls) throws IOException {
        InetSocketAddress addr = new InetSocketAddress("127.0.0.1", 0);
        if (tls != null) {
            HttpsServer s = HttpsServer.create(addr, 50);
            s.setHttpsConfigurator(new HttpsConfigurator(tls));
            server = s;
        } else {
            server = HttpServer.create(addr, 50);
        }
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        received.add(new Received(ex.getRequestMethod(), ex.getRequestURI().toString(), Map.copyOf(ex.getRequestHeaders()), body,
                ex.getRemoteAddress().getPort()));
        byte[] reply = ("origin got " + ex.getRequestMethod() + " " + ex.getRequestURI() + " with " + body.length + " bytes\n")
                .getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain");
        ex.sendResponseHeaders(200, reply.length);
        ex.getResponseBody().write(reply);
        ex.close();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
