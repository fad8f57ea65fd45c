package io.sekisho.receive.icap;

import io.sekisho.receive.http.HttpTools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Real Squid on a free loopback port with deploy/squid-icap.conf pointed at an ICAP port: its own
 * config file, cache off, pid and logs in a temporary folder, in the foreground. Given hosts-file
 * lines, Squid resolves the test's host names from them.
 */
public final class Squid implements AutoCloseable {
    private final Path dir;
    private final Process process;
    private final int port;

    private Squid(Path dir, Process process, int port) {
        this.dir = dir;
        this.process = process;
        this.port = port;
    }

    /** Starts Squid in front of the ICAP service on {@code icapPort}; skips (or fails in CI) without Squid. */
    public static Squid start(int icapPort, String hosts) throws IOException, InterruptedException {
        Path binary = HttpTools.squid();
        // Squid drops root privileges: its folder must be writable by its own user.
        Path dir = Files.createTempDirectory("sekisho-squid-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        int port = io.sekisho.receive.smtp.ExternalTools.freePort();
        Path hostsFile = null;
        if (hosts != null) {
            // In Squid's own folder: it reads the file after dropping root privileges.
            hostsFile = Files.writeString(dir.resolve("hosts"), hosts);
            Files.setPosixFilePermissions(hostsFile, PosixFilePermissions.fromString("rw-r--r--"));
        }
        String snippet = Files.readString(Path.of("..", "deploy", "squid-icap.conf"))
                .replace("icap://127.0.0.1:1344/reqmod", "icap://127.0.0.1:" + icapPort + "/reqmod");
        Path conf = dir.resolve("squid.conf");
        Files.writeString(conf, "http_port 127.0.0.1:" + port + "\n"
                + "pid_filename " + dir.resolve("squid.pid") + "\n"
                + "cache_log " + dir.resolve("cache.log") + "\n"
                + "access_log " + dir.resolve("access.log") + "\n"
                + "coredump_dir " + dir + "\n"
                + (hostsFile != null ? "hosts_file " + hostsFile + "\n" : "")
                + "cache deny all\ncache_mem 8 MB\nmemory_pools off\nnetdb_filename none\nshutdown_lifetime 0 seconds\n"
                + "http_access allow localhost\nhttp_access deny all\n"
                + snippet);
        Process p = new ProcessBuilder(binary.toString(), "-N", "-f", conf.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        Squid squid = new Squid(dir, p, port);
        try {
            HttpTools.awaitListening(port, p);
        } catch (RuntimeException | Error | InterruptedException e) {
            squid.close();
            throw e;
        }
        return squid;
    }

    public int port() {
        return port;
    }

    /** Squid's cache.log, for failure messages. */
    public String log() throws IOException {
        return Files.readString(dir.resolve("cache.log"));
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
