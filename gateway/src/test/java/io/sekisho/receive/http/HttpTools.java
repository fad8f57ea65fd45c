package io.sekisho.receive.http;

import io.sekisho.receive.smtp.ExternalTools;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
        ExternalTools.awaitListening(port, p, 30);
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
        ExternalTools.Result r = ExternalTools.run(command);
        return new Result(r.exitCode(), r.output());
    }

    /** curl through a proxy, quiet, printing the body then the status on its own line. */
    public static Result curl(String proxy, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(curl().toString(), "-sS", "--max-time", "30", "--noproxy", "",
                "-x", proxy, "-w", "\n%{http_code}"));
        cmd.addAll(List.of(args));
        return run(cmd);
    }
}
