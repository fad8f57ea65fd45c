package io.sekisho.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.sekisho.config.HostPort;
import io.sekisho.gateway.Gateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The operations endpoints on {@code admin.listen}, over plain HTTP on the JDK's own server (the
 * data path's Netty stays in the receiving stages, ADR 0010):
 *
 * <ul>
 *   <li>{@code GET /healthz}: 200 {@code ok} while the process serves: liveness, no dependency checked;</li>
 *   <li>{@code GET /readyz}: 200 when every {@link Readiness} check passes, else 503; the JSON body
 *       lists each check and, when not ready, names the failed ones;</li>
 *   <li>{@code GET /metrics}: {@link GatewayMeters} in the Prometheus text format.</li>
 * </ul>
 *
 * Other paths get 404, other methods 405 (HEAD is answered like GET, without a body). Two threads
 * answer: a probe never competes with transfers for an inspection thread.
 */
public final class AdminServer implements AutoCloseable {
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService threads;
    private final Readiness readiness;
    private final GatewayMeters meters;

    private AdminServer(HttpServer server, ExecutorService threads, Readiness readiness, GatewayMeters meters) {
        this.server = server;
        this.threads = threads;
        this.readiness = readiness;
        this.meters = meters;
    }

    /**
     * Listens on {@code listen} for the running {@code gateway}, whose measurements {@code meters}
     * collects (the gauges are bound here). Throws {@link IOException} naming admin.listen when the
     * address cannot be bound.
     */
    public static AdminServer start(HostPort listen, Gateway gateway, GatewayMeters meters) throws IOException {
        return start(listen, new Readiness(gateway, Clock.systemUTC()), gateway, meters);
    }

    static AdminServer start(HostPort listen, Readiness readiness, Gateway gateway, GatewayMeters meters)
            throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(listen.host(), listen.port()), 16);
        } catch (IOException | RuntimeException e) {
            throw new IOException("admin.listen: cannot listen on " + listen + ": " + e.getMessage(), e);
        }
        meters.bind(gateway);
        AtomicInteger n = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "sekisho-admin-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        AdminServer admin = new AdminServer(server, threads, readiness, meters);
        server.createContext("/", admin::handle);
        server.setExecutor(threads);
        server.start();
        log.info("admin endpoints on http://{}/ (healthz, readyz, metrics)", admin.addressText());
        return admin;
    }

    /** The address actually bound (its port is known here when admin.listen asks for port 0). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private String addressText() {
        String host = address().getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address().getPort();
    }

    /** The base URL of the endpoints, e.g. {@code http://127.0.0.1:9090}. */
    public String url() {
        return "http://" + addressText();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            if (!List.of("/healthz", "/readyz", "/metrics").contains(path)) {
                send(exchange, 404, "text/plain; charset=utf-8", "not found: " + path + " (try /healthz, /readyz or /metrics)\n");
                return;
            }
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, "text/plain; charset=utf-8", method + " is not allowed: use GET\n");
                return;
            }
            switch (path) {
                case "/healthz" -> send(exchange, 200, "text/plain; charset=utf-8", "ok\n");
                case "/readyz" -> ready(exchange);
                default -> send(exchange, 200, PROMETHEUS_TEXT, meters.scrape());
            }
        } catch (IOException e) {
            // The prober went away mid-answer; nothing to tell it.
            log.debug("admin {}: {}", exchange.getRequestURI(), e.toString());
        } catch (RuntimeException e) {
            log.warn("admin {} failed: {}", exchange.getRequestURI(), e.toString());
            send(exchange, 500, "text/plain; charset=utf-8", "internal error: " + e + "\n");
        } finally {
            exchange.close();
        }
    }

    private void ready(HttpExchange exchange) throws IOException {
        List<Readiness.Check> checks = readiness.checks();
        ObjectNode body = JSON.createObjectNode();
        boolean ready = checks.stream().allMatch(Readiness.Check::ok);
        body.put("status", ready ? "ready" : "not ready");
        ObjectNode each = body.putObject("checks");
        for (Readiness.Check c : checks) {
            each.putObject(c.name()).put("ok", c.ok()).put("detail", c.detail());
        }
        if (!ready) {
            var failed = body.putArray("failed");
            checks.stream().filter(c -> !c.ok()).forEach(c -> failed.add(c.name()));
        }
        send(exchange, ready ? 200 : 503, "application/json", JSON.writeValueAsString(body) + "\n");
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Stops answering at once; a probe in progress may be cut off. */
    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
