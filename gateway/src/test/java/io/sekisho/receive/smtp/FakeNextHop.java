package io.sekisho.receive.smtp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A next hop in Java for precise replies: it answers as a normal server except at the step named
 * by {@link Mode}, and keeps the exact bytes of every DATA it received.
 */
final class FakeNextHop implements AutoCloseable {
    /**
     * {@code HANG_UP_AFTER_MESSAGE}: closes the connection, without a word, after answering a
     * message's end of data; {@code IDLE_421}: answers the next command after a message with
     * "421" and closes, as a server whose idle timer ran out.
     */
    enum Mode { ACCEPT, DEFER_END_OF_DATA, REFUSE_END_OF_DATA, REFUSE_ONE_RCPT, HANG_AFTER_DATA, CLOSE_AT_MAIL,
        HANG_UP_AFTER_MESSAGE, IDLE_421 }

    final List<byte[]> received = new CopyOnWriteArrayList<>();
    final List<String> commands = new CopyOnWriteArrayList<>();
    /** Connections accepted so far. */
    final AtomicInteger connections = new AtomicInteger();
    volatile Mode mode = Mode.ACCEPT;
    /** Whether EHLO offers PIPELINING (the relay client then sends MAIL, RCPT and DATA in one go). */
    volatile boolean pipelining = true;
    private final ServerSocket server;
    private final Thread thread;

    FakeNextHop() throws IOException {
        server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        thread = new Thread(this::serve, "fake-next-hop");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                connections.incrementAndGet();
                s.setSoTimeout(20_000);
                converse(s.getInputStream(), s.getOutputStream());
            } catch (IOException e) {
                // next connection (or closed)
            }
        }
    }

    private void converse(InputStream in, OutputStream out) throws IOException {
        say(out, "220 fake ESMTP");
        boolean carriedMessage = false;
        while (true) {
            String line = readLine(in);
            if (line == null) {
                return;
            }
            commands.add(line);
            if (carriedMessage && mode == Mode.IDLE_421) {
                say(out, "421 4.4.2 fake idle too long");
                return;
            }
            String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
            switch (verb) {
                case "EHLO" -> say(out, "250-fake\r\n250-SIZE 100000000\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n"
                        + (pipelining ? "250 PIPELINING" : "250 HELP"));
                case "MAIL" -> {
                    if (mode == Mode.CLOSE_AT_MAIL) {
                        return;
                    }
                    say(out, "250 2.1.0 ok");
                }
                case "RCPT" -> say(out, mode == Mode.REFUSE_ONE_RCPT && line.contains("<bad@")
                        ? "550 5.1.1 no such user" : "250 2.1.5 ok");
                case "DATA" -> {
                    say(out, "354 go");
                    received.add(readData(in));
                    switch (mode) {
                        case DEFER_END_OF_DATA -> say(out, "451 4.3.0 try later");
                        case REFUSE_END_OF_DATA -> say(out, "554 5.7.1 content refused");
                        case HANG_AFTER_DATA -> {
                            try {
                                Thread.sleep(30_000);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            return;
                        }
                        default -> say(out, "250 2.0.0 queued as FAKE1");
                    }
                    carriedMessage = true;
                    if (mode == Mode.HANG_UP_AFTER_MESSAGE) {
                        return;
                    }
                }
                case "QUIT" -> {
                    say(out, "221 bye");
                    return;
                }
                default -> say(out, "250 ok");
            }
        }
    }

    private static byte[] readData(InputStream in) throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            data.write(b);
            byte[] d = data.toByteArray();
            int n = d.length;
            if (n == 3 && d[0] == '.' && d[1] == '\r' && d[2] == '\n'
                    || n >= 5 && d[n - 5] == '\r' && d[n - 4] == '\n' && d[n - 3] == '.' && d[n - 2] == '\r' && d[n - 1] == '\n') {
                return d;
            }
        }
        throw new IOException("end of input in DATA");
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream l = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                String s = l.toString(StandardCharsets.UTF_8);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            l.write(b);
        }
        return null;
    }

    private static void say(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        thread.interrupt();
    }
}
