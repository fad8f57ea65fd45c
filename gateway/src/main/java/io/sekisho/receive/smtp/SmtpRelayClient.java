package io.sekisho.receive.smtp;

import io.sekisho.config.HostPort;
import io.sekisho.transfer.PartContent;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small SMTP client for the next hop: EHLO (HELO if refused), MAIL FROM with SIZE, BODY and
 * SMTPUTF8 as the client asked and the next hop offers, RCPT TO for every recipient, DATA with
 * dot-stuffing, QUIT. MAIL, RCPT and DATA are pipelined when the next hop offers PIPELINING.
 *
 * <p>A plain blocking socket, on the inspection thread that already owns the message: that thread
 * has nothing else to do until the next hop answers (no queue of our own, the client waits for our
 * reply), so a non-blocking client would only add a hand-off; the blocking calls never touch an
 * event loop, and {@code smtp.nextHopTimeout} bounds the connect and every read.
 *
 * <p>One transaction for all recipients: if the next hop refuses any RCPT, the transaction is
 * abandoned (RSET) and the client gets the worst of the refusals (a 5xx if there is one, else a
 * 4xx, so it retries). Partial delivery would need one reply per recipient, which SMTP's single
 * end-of-data reply cannot carry.
 *
 * <p>Connections are kept for the next message ({@code smtp.nextHopIdle}), as Postfix's smtp
 * client keeps them in its connection cache: a new connection costs a TCP handshake, the greeting
 * and EHLO, and at the other end QUIT, which for small mail on a fast network is as much as the
 * transaction itself (smtp-source to smtp-sink on loopback: 4,757 messages per second over kept
 * connections, 2,113 with a new one each). A kept connection is used only between transactions
 * that ended with a reply; after an I/O error, a timeout or a 421 it is closed. The next hop may
 * have closed a kept connection in the meantime: when the first command on it fails that way,
 * nothing has been handed over yet, so the message goes once more on a new connection.
 */
public final class SmtpRelayClient implements NextHop {
    private static final Logger log = LoggerFactory.getLogger(SmtpRelayClient.class);
    private static final int MAX_REPLY_LINES = 100;
    private static final int MAX_REPLY_LINE = 4096;
    /** A kept connection is not used for new mail after this long (Postfix's smtp_connection_reuse_time_limit). */
    private static final Duration MAX_CONNECTION_AGE = Duration.ofMinutes(5);
    /** How long QUIT may wait for its reply when a kept connection is closed. */
    private static final int QUIT_MILLIS = 1000;

    private final HostPort nextHop;
    private final String heloName;
    private final Duration timeout;
    private final KeptConnections kept;

    /** One new connection for every message (the quarantine release, the demo, tests). */
    public SmtpRelayClient(HostPort nextHop, String heloName, Duration timeout) {
        this(nextHop, heloName, timeout, Duration.ZERO, 0);
    }

    /**
     * @param idle    how long a connection may wait unused for the next message; zero keeps none
     * @param maxKept how many unused connections may wait at most (the inspection threads: each
     *                relays one message at a time)
     */
    public SmtpRelayClient(HostPort nextHop, String heloName, Duration timeout, Duration idle, int maxKept) {
        this.nextHop = nextHop;
        this.heloName = heloName;
        this.timeout = timeout;
        this.kept = idle.isZero() || maxKept <= 0 ? null : new KeptConnections(idle, maxKept);
    }

    @Override
    public NextHopResult relay(SmtpEnvelope envelope, String inspectedHeader, PartContent message) {
        Connection reused = kept == null ? null : kept.take();
        if (reused != null) {
            NextHopResult result = transaction(reused, true, envelope, inspectedHeader, message);
            if (result != null) {
                return result;
            }
            // The kept connection was gone before the next hop took anything: a new one.
        }
        Opened opened = open();
        if (opened.failure() != null) {
            return opened.failure();
        }
        return transaction(opened.connection(), false, envelope, inspectedHeader, message);
    }

    /** Connects and greets: a connection ready for MAIL, or why there is none. */
    private Opened open() {
        String stage = "connect";
        int millis = millis(timeout);
        Socket socket = new Socket();
        try {
            try {
                socket.connect(new InetSocketAddress(nextHop.host(), nextHop.port()), millis);
            } catch (IOException e) {
                return Opened.failed(new NextHopResult(NextHopResult.Kind.UNREACHABLE, stage, 0, null, e.toString()));
            }
            socket.setSoTimeout(millis);
            // Every command and the message are flushed whole; Nagle's algorithm would only hold back
            // the last segment of a message larger than the buffer until the next hop's delayed ACK
            // (about 40 ms per message over 64 KiB).
            socket.setTcpNoDelay(true);
            Connection c = new Connection(socket);
            stage = "greeting";
            Reply r = read(c.in);
            if (r.code / 100 != 2) {
                c.close();
                return Opened.failed(failed(stage, r));
            }
            stage = "EHLO";
            r = command(c.out, c.in, "EHLO " + heloName);
            boolean esmtp = r.code / 100 == 2;
            if (!esmtp) {
                stage = "HELO";
                r = command(c.out, c.in, "HELO " + heloName);
                if (r.code / 100 != 2) {
                    c.quit();
                    return Opened.failed(failed(stage, r));
                }
            }
            c.offered = esmtp ? r.capabilities() : List.of();
            return new Opened(c, null);
        } catch (SocketTimeoutException e) {
            close(socket);
            return Opened.failed(new NextHopResult(NextHopResult.Kind.TIMEOUT, stage, 0, null, "no reply within " + timeout));
        } catch (IOException e) {
            close(socket);
            return Opened.failed(new NextHopResult(NextHopResult.Kind.DISCONNECTED, stage, 0, null, e.toString()));
        }
    }

    /**
     * One mail transaction on an open connection, which it then keeps or closes. Returns null only
     * for a reused connection that turned out to be closed (or closing, 421) at MAIL: nothing was
     * handed over, and the caller tries a new connection.
     */
    private NextHopResult transaction(Connection c, boolean reused, SmtpEnvelope envelope, String inspectedHeader,
                                      PartContent message) {
        String stage = "MAIL";
        boolean keep = false;
        try {
            List<String> offered = c.offered;
            if (envelope.smtpUtf8() && !offered.contains("SMTPUTF8")) {
                keep = true;
                return new NextHopResult(NextHopResult.Kind.REFUSED, stage, 550, "5.6.7",
                        "the next hop does not offer SMTPUTF8, which this message needs");
            }
            if (envelope.eightBitMime() && !offered.contains("8BITMIME")) {
                keep = true;
                return new NextHopResult(NextHopResult.Kind.REFUSED, stage, 554, "5.6.3",
                        "the next hop does not offer 8BITMIME, which this message needs");
            }
            StringBuilder mail = new StringBuilder("MAIL FROM:<").append(envelope.mailFrom()).append('>');
            if (offered.stream().anyMatch(o -> o.startsWith("SIZE"))) {
                mail.append(" SIZE=").append(message.size() + inspectedHeader.length() + 32);
            }
            if (envelope.eightBitMime()) {
                mail.append(" BODY=8BITMIME");
            }
            if (envelope.smtpUtf8()) {
                mail.append(" SMTPUTF8");
            }
            // With PIPELINING (RFC 2920), MAIL, every RCPT and DATA go in one write and their replies
            // are read in order: one round trip to the next hop instead of two plus one per recipient.
            // Only a 354 to DATA lets the message go; any refusal in the group closes the connection,
            // which also abandons a DATA the next hop may have accepted for the other recipients.
            boolean pipelining = offered.contains("PIPELINING");
            Reply r;
            try {
                if (pipelining) {
                    StringBuilder group = new StringBuilder(mail).append("\r\n");
                    for (String rcpt : envelope.recipients()) {
                        group.append("RCPT TO:<").append(rcpt).append(">\r\n");
                    }
                    group.append("DATA\r\n");
                    c.out.write(group.toString().getBytes(StandardCharsets.UTF_8));
                    c.out.flush();
                    r = read(c.in);
                } else {
                    r = command(c.out, c.in, mail.toString());
                }
            } catch (SocketTimeoutException e) {
                throw e;
            } catch (IOException e) {
                if (reused) {
                    log.debug("kept connection to the next hop was closed: {}", e.toString());
                    return null;
                }
                throw e;
            }
            if (r.code == 421 && reused) {
                return null;
            }
            if (r.code / 100 != 2) {
                keep = !pipelining && r.code != 421;
                return failed(stage, r);
            }

            stage = "RCPT";
            Reply worst = null;
            for (String rcpt : envelope.recipients()) {
                r = pipelining ? read(c.in) : command(c.out, c.in, "RCPT TO:<" + rcpt + ">");
                if (r.code / 100 != 2 && (worst == null || (r.code >= 500 && worst.code < 500))) {
                    worst = r;
                }
            }
            if (worst != null) {
                keep = !pipelining && worst.code != 421 && command(c.out, c.in, "RSET").code / 100 == 2;
                return failed(stage, worst);
            }

            stage = "DATA";
            r = pipelining ? read(c.in) : command(c.out, c.in, "DATA");
            if (r.code != 354) {
                keep = r.code != 421 && r.code / 100 != 3 && command(c.out, c.in, "RSET").code / 100 == 2;
                return failed(stage, r.code / 100 == 3 ? new Reply(451, r.lines) : r);
            }
            stage = "end of data";
            RelayedMessage.writeTo(c.out, inspectedHeader, message);
            c.out.flush();
            r = read(c.in);
            keep = r.code != 421;
            if (r.code / 100 == 2) {
                return new NextHopResult(NextHopResult.Kind.ACCEPTED, stage, r.code, r.enhanced(), r.text());
            }
            return failed(stage, r);
        } catch (SocketTimeoutException e) {
            return new NextHopResult(NextHopResult.Kind.TIMEOUT, stage, 0, null, "no reply within " + timeout);
        } catch (IOException e) {
            return new NextHopResult(NextHopResult.Kind.DISCONNECTED, stage, 0, null, e.toString());
        } finally {
            if (keep && kept != null) {
                kept.put(c);
            } else if (keep) {
                c.quit();
            } else {
                c.close();
            }
        }
    }

    @Override
    public void close() {
        if (kept != null) {
            kept.close();
        }
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private record Opened(Connection connection, NextHopResult failure) {
        static Opened failed(NextHopResult failure) {
            return new Opened(null, failure);
        }
    }

    /** An open, greeted connection between transactions. */
    private static final class Connection {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        final long openedAt = System.nanoTime();
        List<String> offered = List.of();
        long idleSince;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream());
            this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        }

        /** Says QUIT (waiting briefly for the reply) and closes. */
        void quit() {
            try {
                socket.setSoTimeout(QUIT_MILLIS);
                command(out, in, "QUIT");
            } catch (IOException ignored) {
                // the connection is over either way
            }
            close();
        }

        void close() {
            SmtpRelayClient.close(socket);
        }
    }

    /**
     * Unused connections, the most recently used first (so that the others age out when traffic
     * falls), each for at most {@code idle}; a daemon thread closes the expired ones.
     */
    private static final class KeptConnections {
        private final Duration idle;
        private final int max;
        private final Deque<Connection> connections = new ArrayDeque<>();
        private final ScheduledExecutorService reaper;
        private boolean closed;

        KeptConnections(Duration idle, int max) {
            this.idle = idle;
            this.max = max;
            this.reaper = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "smtp-next-hop-idle");
                t.setDaemon(true);
                return t;
            });
            long period = Math.max(50, Math.min(1000, idle.toMillis() / 2));
            reaper.scheduleWithFixedDelay(this::closeExpired, period, period, TimeUnit.MILLISECONDS);
        }

        synchronized Connection take() {
            long now = System.nanoTime();
            while (!connections.isEmpty()) {
                Connection c = connections.pollFirst();
                if (usable(c, now)) {
                    return c;
                }
                reaper.execute(c::quit);
            }
            return null;
        }

        void put(Connection c) {
            long now = System.nanoTime();
            c.idleSince = now;
            synchronized (this) {
                if (!closed && connections.size() < max && now - c.openedAt < MAX_CONNECTION_AGE.toNanos()) {
                    connections.addFirst(c);
                    return;
                }
            }
            c.quit();
        }

        private boolean usable(Connection c, long now) {
            return now - c.idleSince < idle.toNanos() && now - c.openedAt < MAX_CONNECTION_AGE.toNanos();
        }

        private void closeExpired() {
            List<Connection> expired = new ArrayList<>();
            synchronized (this) {
                long now = System.nanoTime();
                // The oldest are at the end.
                while (!connections.isEmpty() && !usable(connections.peekLast(), now)) {
                    expired.add(connections.pollLast());
                }
            }
            expired.forEach(Connection::quit);
        }

        void close() {
            List<Connection> all;
            synchronized (this) {
                closed = true;
                all = new ArrayList<>(connections);
                connections.clear();
            }
            reaper.shutdownNow();
            all.forEach(Connection::quit);
        }
    }

    private static NextHopResult failed(String stage, Reply r) {
        NextHopResult.Kind kind = r.code >= 500 ? NextHopResult.Kind.REFUSED : NextHopResult.Kind.DEFERRED;
        return new NextHopResult(kind, stage, r.code, r.enhanced(), r.text());
    }

    private static Reply command(OutputStream out, InputStream in, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return read(in);
    }

    /** Reads one (possibly multi-line) reply; a malformed one is a protocol break (IOException). */
    private static Reply read(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        while (lines.size() < MAX_REPLY_LINES) {
            String line = readLine(in);
            if (line.length() < 3 || !Character.isDigit(line.charAt(0)) || !Character.isDigit(line.charAt(1))
                    || !Character.isDigit(line.charAt(2)) || (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-')) {
                throw new IOException("malformed reply from the next hop: " + line);
            }
            int code = Integer.parseInt(line.substring(0, 3));
            lines.add(line.length() > 4 ? line.substring(4) : "");
            if (line.length() == 3 || line.charAt(3) == ' ') {
                if (code < 200 || code > 599) {
                    throw new IOException("reply code out of range from the next hop: " + line);
                }
                return new Reply(code, lines);
            }
        }
        throw new IOException("reply of more than " + MAX_REPLY_LINES + " lines from the next hop");
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = buf.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.UTF_8);
            }
            if (buf.size() >= MAX_REPLY_LINE) {
                throw new IOException("reply line longer than " + MAX_REPLY_LINE + " bytes from the next hop");
            }
            buf.write(b);
        }
        throw new EOFException("the next hop closed the connection");
    }

    private record Reply(int code, List<String> lines) {
        String text() {
            String first = lines.get(0);
            String e = enhanced();
            return e == null ? first : first.substring(e.length()).strip();
        }

        String enhanced() {
            String first = lines.get(0);
            int sp = first.indexOf(' ');
            String token = sp < 0 ? first : first.substring(0, sp);
            return token.matches("[245]\\.\\d{1,3}\\.\\d{1,3}") && token.charAt(0) - '0' == code / 100 ? token : null;
        }

        List<String> capabilities() {
            List<String> caps = new ArrayList<>();
            for (int i = 1; i < lines.size(); i++) {
                caps.add(lines.get(i).toUpperCase(Locale.ROOT).strip());
            }
            return caps;
        }
    }
}
