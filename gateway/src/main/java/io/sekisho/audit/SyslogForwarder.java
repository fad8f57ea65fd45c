package io.sekisho.audit;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;

/**
 * Sends each audit record to a SIEM as RFC 5424 syslog over TCP or TLS, framed by octet counting
 * (RFC 6587), the record's JSON as the message. Facility 13 (log audit), severity 5 (notice).
 *
 * <p>Transfers never wait for the SIEM: records go into a bounded buffer; when it is full, or
 * the SIEM cannot be reached, records are dropped and counted, and the audit log records the
 * count (the log on disk stays complete; the SIEM copy is a convenience).
 */
public final class SyslogForwarder implements RecordForwarder {
    private static final int PRI = 13 * 8 + 5;
    private static final Duration RETRY = Duration.ofSeconds(5);

    private final String host;
    private final int port;
    private final SocketFactory sockets;
    private final String hostname;
    private final BlockingQueue<String> buffer;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final Thread sender;
    private volatile boolean closed;
    private Socket socket;
    private Instant nextAttempt = Instant.MIN;

    /**
     * @param tls      null for plain TCP, else the factory for TLS connections (its trust store decides
     *                 which SIEM certificates are accepted)
     * @param capacity how many records may wait for the SIEM before new ones are dropped
     * @param hostname the HOSTNAME field: the gateway instance
     */
    public SyslogForwarder(String host, int port, SSLSocketFactory tls, int capacity, String hostname) {
        this.host = host;
        this.port = port;
        this.sockets = tls == null ? SocketFactory.getDefault() : tls;
        this.hostname = hostname;
        this.buffer = new ArrayBlockingQueue<>(capacity);
        this.sender = new Thread(this::run, "audit-syslog-" + host + ":" + port);
        this.sender.setDaemon(true);
        this.sender.start();
    }

    @Override
    public void offer(String recordJson) {
        if (closed || !buffer.offer(recordJson)) {
            dropped.incrementAndGet();
        }
    }

    @Override
    public long takeDropped() {
        return dropped.getAndSet(0);
    }

    /** Records delivered to the SIEM's socket so far. */
    public long sent() {
        return sent.get();
    }

    /** One RFC 5424 message, octet-counted: {@code LEN SP <PRI>1 TIMESTAMP HOST sekisho - audit - JSON}. */
    static byte[] frame(String json, String hostname, Instant now) {
        String message = "<" + PRI + ">1 " + now.truncatedTo(ChronoUnit.MILLIS) + " " + printable(hostname)
                + " sekisho - audit - " + json;
        byte[] body = message.getBytes(StandardCharsets.UTF_8);
        byte[] prefix = (body.length + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(body, 0, out, prefix.length, body.length);
        return out;
    }

    private void run() {
        while (!closed || !buffer.isEmpty()) {
            String record;
            try {
                record = buffer.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (record != null && !send(record)) {
                dropped.incrementAndGet();
            }
        }
    }

    private boolean send(String record) {
        try {
            if (socket == null) {
                if (Instant.now().isBefore(nextAttempt)) {
                    return false;
                }
                Socket s = sockets.createSocket();
                s.connect(new InetSocketAddress(host, port), 5000);
                s.setSoTimeout(5000);
                socket = s;
            }
            OutputStream out = socket.getOutputStream();
            out.write(frame(record, hostname, Instant.now()));
            out.flush();
            sent.incrementAndGet();
            return true;
        } catch (IOException e) {
            closeSocket();
            nextAttempt = Instant.now().plus(RETRY);
            return false;
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            sender.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sender.interrupt();
        closeSocket();
    }

    private void closeSocket() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Reconnected on the next record.
            }
            socket = null;
        }
    }

    /** RFC 5424 HOSTNAME is printable US-ASCII without spaces. */
    private static String printable(String s) {
        String p = s == null || s.isEmpty() ? "-" : s.replaceAll("[^\\x21-\\x7e]", "_");
        return p.length() > 255 ? p.substring(0, 255) : p;
    }
}
