package io.sekisho.receive.smtp;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/**
 * The real mail tools the integration tests drive: Postfix's smtp-sink (Debian package postfix)
 * and swaks (package swaks). Missing tools fail the build in CI ({@code CI=true}) and skip the
 * test, with a message, anywhere else.
 */
public final class ExternalTools {
    private ExternalTools() {
    }

    public static Path require(String tool, String debianPackage, String... candidates) {
        for (String c : candidates) {
            Path p = Path.of(c);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        String msg = tool + " not found (" + String.join(", ", candidates) + "): apt-get install " + debianPackage;
        if ("true".equals(System.getenv("CI"))) {
            fail(msg + " (required in CI)");
        }
        Assumptions.abort(msg);
        return null;
    }

    public static Path smtpSink() {
        return require("smtp-sink", "postfix", "/usr/sbin/smtp-sink", "/usr/local/sbin/smtp-sink");
    }

    public static Path swaks() {
        return require("swaks", "swaks", "/usr/bin/swaks", "/usr/local/bin/swaks");
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public static void awaitListening(int port) throws InterruptedException {
        awaitListening(port, null, 10);
    }

    /** Waits until 127.0.0.1:port accepts a connection; fails at once if {@code process} (when given) exits first. */
    public static void awaitListening(int port, Process process, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (process != null && !process.isAlive()) {
                fail("the process exited (" + process.exitValue() + ") before listening on " + port);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                Thread.sleep(20);
            }
        }
        fail("nothing listens on 127.0.0.1:" + port);
    }

    public record Result(int exitCode, String output) {
    }

    /** Runs a command to completion (at most 60 s), stdout and stderr together. */
    public static Result run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + command);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** Postfix's smtp-sink on a loopback port, dumping each message into its own file. */
    public static final class SmtpSink implements AutoCloseable {
        public final int port;
        public final Path dumps;
        private final Process process;

        public SmtpSink(Path dumps, String... options) throws IOException, InterruptedException {
            Path sink = smtpSink();
            this.port = freePort();
            this.dumps = dumps;
            Files.createDirectories(dumps);
            List<String> cmd = new ArrayList<>(List.of(sink.toString()));
            if ("root".equals(System.getProperty("user.name"))) {
                cmd.addAll(List.of("-u", "root"));
            }
            cmd.addAll(List.of("-d", dumps + "/%M."));
            cmd.addAll(List.of(options));
            cmd.addAll(List.of("127.0.0.1:" + port, "50"));
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dumps.resolveSibling(dumps.getFileName() + ".log").toFile()).start();
            awaitListening(port);
        }

        /** The message part of a dump: after smtp-sink's own headers and Received:, before the final empty line. */
        public static String message(Path dump) throws IOException {
            List<String> lines = Files.readAllLines(dump, StandardCharsets.UTF_8);
            int received = 0;
            while (!lines.get(received).startsWith("Received: ")) {
                received++;
            }
            return String.join("\n", lines.subList(received + 3, lines.size())) + "\n";
        }

        public List<Path> messages() throws IOException {
            try (var s = Files.list(dumps)) {
                return s.filter(Files::isRegularFile).sorted().toList();
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
