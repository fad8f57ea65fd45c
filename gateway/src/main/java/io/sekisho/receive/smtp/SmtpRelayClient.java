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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small SMTP client for the next hop: EHLO (HELO if refused), MAIL FROM with SIZE, BODY and
 * SMTPUTF8 as the client asked and the next hop offers, RCPT TO for every recipient, DATA with
 * dot-stuffing, QUIT.
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
 */
public final class SmtpRelayClient implements NextHop {
    private static final int MAX_REPLY_LINES = 100;
    private static final int MAX_REPLY_LINE = 4096;

    private final HostPort nextHop;
    private final String heloName;
    private final Duration timeout;

    public SmtpRelayClient(HostPort nextHop, String heloName, Duration timeout) {
        this.nextHop = nextHop;
        this.heloName = heloName;
        this.timeout = timeout;
    }

    @Override
    public NextHopResult relay(SmtpEnvelope envelope, String inspectedHeader, PartContent message) {
        String stage = "connect";
        int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
        try (Socket socket = new Socket()) {
            try {
                socket.connect(new InetSocketAddress(nextHop.host(), nextHop.port()), millis);
            } catch (IOException e) {
                return new NextHopResult(NextHopResult.Kind.UNREACHABLE, stage, 0, null, e.toString());
            }
            socket.setSoTimeout(millis);
            // Every command and the message are flushed whole; Nagle's algorithm would only hold back
            // the last segment of a message larger than the buffer until the next hop's delayed ACK
            // (about 40 ms per message over 64 KiB).
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);

            stage = "greeting";
            Reply r = read(in);
            if (r.code / 100 != 2) {
                return failed(stage, r);
            }
            stage = "EHLO";
            r = command(out, in, "EHLO " + heloName);
            boolean esmtp = r.code / 100 == 2;
            if (!esmtp) {
                stage = "HELO";
                r = command(out, in, "HELO " + heloName);
                if (r.code / 100 != 2) {
                    return failed(stage, r);
                }
            }
            List<String> offered = esmtp ? r.capabilities() : List.of();

            stage = "MAIL";
            if (envelope.smtpUtf8() && !offered.contains("SMTPUTF8")) {
                quit(out, in);
                return new NextHopResult(NextHopResult.Kind.REFUSED, stage, 550, "5.6.7",
                        "the next hop does not offer SMTPUTF8, which this message needs");
            }
            if (envelope.eightBitMime() && !offered.contains("8BITMIME")) {
                quit(out, in);
                return new NextHopResult(NextHopResult.Kind.REFUSED, stage, 554, "5.6.3",
                        "the next hop does not offer 8BITMIME, which this message needs");
            }
            StringBuilder mail = new StringBuilder("MAIL FROM:<").append(envelope.mailFrom()).append('>');
            if (offered.stream().anyMatch(c -> c.startsWith("SIZE"))) {
                mail.append(" SIZE=").append(message.size() + inspectedHeader.length() + 32);
            }
            if (envelope.eightBitMime()) {
                mail.append(" BODY=8BITMIME");
            }
            if (envelope.smtpUtf8()) {
                mail.append(" SMTPUTF8");
            }
            r = command(out, in, mail.toString());
            if (r.code / 100 != 2) {
                quit(out, in);
                return failed(stage, r);
            }

            stage = "RCPT";
            Reply worst = null;
            for (String rcpt : envelope.recipients()) {
                r = command(out, in, "RCPT TO:<" + rcpt + ">");
                if (r.code / 100 != 2 && (worst == null || (r.code >= 500 && worst.code < 500))) {
                    worst = r;
                }
            }
            if (worst != null) {
                command(out, in, "RSET");
                quit(out, in);
                return failed(stage, worst);
            }

            stage = "DATA";
            r = command(out, in, "DATA");
            if (r.code != 354) {
                quit(out, in);
                return failed(stage, r.code / 100 == 3 ? new Reply(451, r.lines) : r);
            }
            stage = "end of data";
            RelayedMessage.writeTo(out, inspectedHeader, message);
            out.flush();
            r = read(in);
            quit(out, in);
            if (r.code / 100 == 2) {
                return new NextHopResult(NextHopResult.Kind.ACCEPTED, stage, r.code, r.enhanced(), r.text());
            }
            return failed(stage, r);
        } catch (SocketTimeoutException e) {
            return new NextHopResult(NextHopResult.Kind.TIMEOUT, stage, 0, null, "no reply within " + timeout);
        } catch (IOException e) {
            return new NextHopResult(NextHopResult.Kind.DISCONNECTED, stage, 0, null, e.toString());
        }
    }

    private static NextHopResult failed(String stage, Reply r) {
        NextHopResult.Kind kind = r.code >= 500 ? NextHopResult.Kind.REFUSED : NextHopResult.Kind.DEFERRED;
        return new NextHopResult(kind, stage, r.code, r.enhanced(), r.text());
    }

    private static void quit(OutputStream out, InputStream in) {
        try {
            command(out, in, "QUIT");
        } catch (IOException ignored) {
            // the transaction is over either way
        }
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
