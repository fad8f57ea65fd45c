package io.sekisho.benchmarks;

import org.HdrHistogram.Histogram;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An SMTP load generator for the SMTP benchmark ({@code benchmarks/smtp-bench.sh}): {@code clients}
 * concurrent SMTP sessions, each sending the same .eml file {@code messages} times over one
 * connection (like {@code smtp-source -d}), without pipelining. Each message's latency is measured
 * from sending MAIL FROM to reading the reply to the final "."; the figures are messages per second
 * over the measured part (after {@code warmup} unmeasured messages per client, all clients started
 * together) and latency percentiles from an HdrHistogram.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar io.sekisho.benchmarks.SmtpLoad
 * --port P --file F.eml [--host 127.0.0.1] [--clients 8] [--messages 50] [--warmup 5]
 * [--from A] [--to B] [--label L]}. Prints one line:
 * {@code label=L messages=N errors=E seconds=S msgs_per_s=R p50_ms=.. p90_ms=.. p99_ms=.. max_ms=..}.
 * Exit code 1 when any message was not answered 250.
 */
public final class SmtpLoad {
    private SmtpLoad() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>(Map.of("--host", "127.0.0.1", "--clients", "8", "--messages", "50",
                "--warmup", "5", "--from", SmtpMessages.FROM, "--to", SmtpMessages.TO, "--label", "-"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i], args[i + 1]);
        }
        if (!o.containsKey("--port") || !o.containsKey("--file")) {
            System.err.println("usage: SmtpLoad --port P --file F.eml [--host H] [--clients N] [--messages M] [--warmup W]"
                    + " [--from A] [--to B] [--label L]");
            System.exit(2);
        }
        InetSocketAddress server = new InetSocketAddress(o.get("--host"), Integer.parseInt(o.get("--port")));
        byte[] data = dataPayload(Files.readAllBytes(Path.of(o.get("--file"))));
        int clients = Integer.parseInt(o.get("--clients"));
        int messages = Integer.parseInt(o.get("--messages"));
        int warmup = Integer.parseInt(o.get("--warmup"));

        Histogram histogram = new Histogram(3_600_000_000_000L, 3);
        AtomicLong errors = new AtomicLong();
        AtomicLong start = new AtomicLong();
        List<String> firstErrors = new ArrayList<>();
        CyclicBarrier warm = new CyclicBarrier(clients, () -> start.set(System.nanoTime()));
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Thread t = new Thread(() -> {
                Histogram mine = new Histogram(3_600_000_000_000L, 3);
                Client client = new Client(server, o.get("--from"), o.get("--to"), data);
                try {
                    for (int i = 0; i < warmup; i++) {
                        client.send(null);
                    }
                    warm.await();
                    for (int i = 0; i < messages; i++) {
                        client.send(mine);
                    }
                } catch (Exception e) {
                    client.errors++;
                    client.note(e.toString());
                } finally {
                    client.close();
                }
                synchronized (histogram) {
                    histogram.add(mine);
                    errors.addAndGet(client.errors);
                    if (firstErrors.size() < 5) {
                        firstErrors.addAll(client.notes.subList(0, Math.min(2, client.notes.size())));
                    }
                }
            }, "smtp-client-" + c);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = start.get() == 0 ? Double.NaN : (System.nanoTime() - start.get()) / 1e9;
        long ok = histogram.getTotalCount();
        System.out.printf(Locale.ROOT, "label=%s messages=%d errors=%d seconds=%.2f msgs_per_s=%.1f p50_ms=%.2f p90_ms=%.2f"
                        + " p99_ms=%.2f max_ms=%.2f%n", o.get("--label"), ok, errors.get(), seconds, ok / seconds,
                ms(histogram.getValueAtPercentile(50)), ms(histogram.getValueAtPercentile(90)),
                ms(histogram.getValueAtPercentile(99)), ms(histogram.getMaxValue()));
        for (String e : firstErrors) {
            System.err.println("  error: " + e);
        }
        System.exit(errors.get() == 0 ? 0 : 1);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    /** The file with CRLF line ends and dot-stuffing, followed by the end-of-data line. */
    static byte[] dataPayload(byte[] file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(file.length + file.length / 50 + 16);
        int lineStart = 0;
        for (int i = 0; i <= file.length; i++) {
            if (i == file.length || file[i] == '\n') {
                int end = i;
                if (end > lineStart && file[end - 1] == '\r') {
                    end--;
                }
                if (i == file.length && end == lineStart) {
                    break;
                }
                if (end > lineStart && file[lineStart] == '.') {
                    out.write('.');
                }
                out.write(file, lineStart, end - lineStart);
                out.write('\r');
                out.write('\n');
                lineStart = i + 1;
            }
        }
        out.writeBytes(".\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** One SMTP session that reconnects after an I/O error. */
    private static final class Client {
        private final InetSocketAddress server;
        private final byte[] mailFrom;
        private final byte[] rcptTo;
        private final byte[] data;
        private Socket socket;
        private InputStream in;
        private OutputStream out;
        long errors;
        final List<String> notes = new ArrayList<>();

        Client(InetSocketAddress server, String from, String to, byte[] data) {
            this.server = server;
            this.mailFrom = ("MAIL FROM:<" + from + "> SIZE=" + data.length + "\r\n").getBytes(StandardCharsets.US_ASCII);
            this.rcptTo = ("RCPT TO:<" + to + ">\r\n").getBytes(StandardCharsets.US_ASCII);
            this.data = data;
        }

        void note(String s) {
            if (notes.size() < 5) {
                notes.add(s);
            }
        }

        private void connect() throws IOException {
            Socket s = new Socket();
            s.setTcpNoDelay(true);
            s.setSoTimeout(120_000);
            try {
                s.connect(server, 10_000);
            } catch (IOException e) {
                s.close();
                throw e;
            }
            socket = s;
            in = new BufferedInputStream(socket.getInputStream(), 8192);
            out = new BufferedOutputStream(socket.getOutputStream(), 65536);
            expect(reply(), "220", "greeting");
            command("EHLO mx.corp.example.co.jp\r\n".getBytes(StandardCharsets.US_ASCII), "250");
        }

        /** Sends the message once; records its latency in {@code h} when not null. */
        void send(Histogram h) throws IOException {
            try {
                if (socket == null) {
                    connect();
                }
                long t0 = System.nanoTime();
                String r = command(mailFrom, null);
                if (r.startsWith("250")) {
                    r = command(rcptTo, null);
                }
                if (r.startsWith("250")) {
                    r = command("DATA\r\n".getBytes(StandardCharsets.US_ASCII), null);
                }
                if (r.startsWith("354")) {
                    out.write(data);
                    out.flush();
                    r = reply();
                }
                long t1 = System.nanoTime();
                if (r.startsWith("250")) {
                    if (h != null) {
                        h.recordValue(t1 - t0);
                    }
                } else {
                    errors++;
                    note(r);
                    if (r.startsWith("421")) {
                        close();
                    } else {
                        command("RSET\r\n".getBytes(StandardCharsets.US_ASCII), null);
                    }
                }
            } catch (IOException e) {
                errors++;
                note(e.toString());
                close();
            }
        }

        private String command(byte[] line, String want) throws IOException {
            out.write(line);
            out.flush();
            String r = reply();
            if (want != null) {
                expect(r, want, new String(line, StandardCharsets.US_ASCII).trim());
            }
            return r;
        }

        private static void expect(String reply, String code, String what) throws IOException {
            if (!reply.startsWith(code)) {
                throw new IOException(what + ": " + reply);
            }
        }

        /** The last line of a (possibly multi-line) reply. */
        private String reply() throws IOException {
            while (true) {
                StringBuilder line = new StringBuilder();
                int b;
                while ((b = in.read()) != '\n') {
                    if (b < 0) {
                        throw new IOException("connection closed by server");
                    }
                    if (b != '\r') {
                        line.append((char) b);
                    }
                }
                if (line.length() < 4 || line.charAt(3) != '-') {
                    return line.toString();
                }
            }
        }

        void close() {
            if (socket != null) {
                try {
                    if (out == null) {
                        throw new IOException("not connected");
                    }
                    out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException ignored) {
                    // closing anyway
                }
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closed
                }
                socket = null;
                out = null;
                in = null;
            }
        }
    }
}
