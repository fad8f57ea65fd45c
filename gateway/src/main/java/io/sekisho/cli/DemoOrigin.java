package io.sekisho.cli;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The demo's stand-in for a web service outside the company: accepts uploads on loopback and
 * keeps each body in a folder, so the user can see what got through. Only the demo uses it.
 */
final class DemoOrigin implements AutoCloseable {
    private final HttpServer server;
    private final AtomicInteger received = new AtomicInteger();

    DemoOrigin(Path folder) throws IOException {
        Files.createDirectories(folder);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (body.length > 0) {
                Files.write(folder.resolve(String.format("%03d.bin", received.incrementAndGet())), body);
            }
            byte[] reply = ("received " + body.length + " bytes\n").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, reply.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply);
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/upload";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
