package io.sekisho.receive.http;


import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import io.sekisho.receive.smtp.ExternalTools;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/**
 * The real tools the HTTP and ICAP tests drive: curl (Debian package curl) and Squid (package
 * squid), found through {@link ExternalTools#require}: a missing tool fails the test in CI
 * ({@code CI=true}) and skips it, with a message, anywhere else.
 */
public final class HttpTools {
    private HttpTools() {
    }

    public static Path curl() {
        return ExternalTools.require("curl", "curl", "/usr/bin/curl", "/usr/local/bin/curl");
    }

    public static Path squid() {
        return ExternalTools.require("squid", "squid", "/usr/sbin/squid", "/usr/local/sbin/squid");
    }


    public static void awaitListening(int port, Process p) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (p != null && !p.isAlive()) {
                fail("the process exited (" + p.exitValue() + ") before listening on " + port);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        fail("nothing listens on 127.0.0.1:" + port);
    }

    public record Result(int exitCode, String output) {
        /** The last line: the status when curl ran with {@code -w '\n%{http_code}'}. */
        public int status() {
            String[] lines = output.strip().split("\n");
            try {
                return Integer.parseInt(lines[lines.length - 1].trim());
            } catch (NumberFormatException e) {
                return -1;
            }
        }
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

    /** curl through a proxy, quiet, printing the body then the status on its own line. */
    public static Result curl(String proxy, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(curl().toString(), "-sS", "--max-time", "30", "--noproxy", "",
                "-x", proxy, "-w", "\n%{http_code}"));
        cmd.addAll(List.of(args));
        return run(cmd);
    }
}
