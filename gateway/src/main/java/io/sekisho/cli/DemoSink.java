package io.sekisho.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The demo's stand-in for the internet: a minimal SMTP server on loopback that accepts every
 * message and writes it, exactly as received, to a folder. Only the demo uses it; in a real
 * deployment the next hop is the company's outbound relay or the recipients' servers.
 */
final class DemoSink implements AutoCloseable {
    private final ServerSocket server;
    private final Path folder;
    private final AtomicInteger delivered = new AtomicInteger();
    private final Thread acceptor;

    DemoSink(Path folder) throws IOException {
        this.folder = Files.createDirectories(folder);
        this.server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "demo-sink");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                socket.setSoTimeout(30_000);
                session(socket);
            } catch (IOException e) {
                // A closed server or a client that went away: the demo goes on.
            }
        }
    }

    private void session(Socket socket) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        OutputStream out = socket.getOutputStream();
        reply(out, "220 sink.example ESMTP demo sink");
        String line;
        while ((line = in.readLine()) != null) {
            String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(java.util.Locale.ROOT) : line;
            switch (verb) {
                case "EHLO" -> reply(out, "250-sink.example\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 104857600");
                case "DATA" -> {
                    reply(out, "354 go ahead");
                    StringBuilder message = new StringBuilder();
                    while ((line = in.readLine()) != null && !line.equals(".")) {
                        message.append(line.startsWith("..") ? line.substring(1) : line).append("\r\n");
                    }
                    Path file = folder.resolve(String.format("%03d.eml", delivered.incrementAndGet()));
                    Files.writeString(file, message, StandardCharsets.UTF_8);
                    reply(out, "250 2.0.0 delivered as " + file.getFileName());
                }
                case "QUIT" -> {
                    reply(out, "221 bye");
                    return;
                }
                default -> reply(out, "250 ok");
            }
        }
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
