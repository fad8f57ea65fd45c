package io.sekisho.receive.smtp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** A bare SMTP client over a real socket: sends exactly the bytes given, reads whole replies. */
final class LineClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    LineClient(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(15_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    LineClient send(String raw) throws IOException {
        out.write(raw.getBytes(StandardCharsets.UTF_8));
        out.flush();
        return this;
    }

    /** The next reply, all lines; "EOF" when the server closed the connection. */
    String reply() throws IOException {
        StringBuilder r = new StringBuilder();
        while (true) {
            ByteArrayOutputStream l = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                l.write(b);
            }
            if (b < 0) {
                return r.length() == 0 ? "EOF" : r.toString();
            }
            String line = l.toString(StandardCharsets.UTF_8).replace("\r", "");
            r.append(line).append('\n');
            if (line.length() < 4 || line.charAt(3) == ' ') {
                return r.toString();
            }
        }
    }

    String expect(String prefix) throws IOException {
        String r = reply();
        assertThat(r).startsWith(prefix);
        return r;
    }

    /** Sends a full transaction up to 354. */
    LineClient startMessage(String from, String... to) throws IOException {
        expect("220");
        send("EHLO client.test\r\n").expect("250");
        send("MAIL FROM:<" + from + ">\r\n").expect("250");
        for (String t : to) {
            send("RCPT TO:<" + t + ">\r\n").expect("250");
        }
        send("DATA\r\n").expect("354");
        return this;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
