package io.sekisho.receive.icap;

import io.sekisho.config.HostPort;
import io.sekisho.config.HttpConfig;
import io.sekisho.config.IcapConfig;
import io.sekisho.receive.http.HttpTools;
import io.sekisho.receive.http.MarkerProcessor;
import io.sekisho.receive.http.TestOrigin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real Squid in front (its own config file from deploy/squid-icap.conf, cache off, pid and logs
 * in a temporary folder, foreground), Sekisho's ICAP service behind it, curl as the client and a
 * recording origin.
 */
class SquidIcapTest {
    @TempDir
    Path tmp;
    private Path squidDir;
    private Process squid;
    private int squidPort;
    private IcapServer icap;
    private TestOrigin origin;
    private final MarkerProcessor processor = new MarkerProcessor();

    @BeforeEach
    void start() throws Exception {
        Path squidBinary = HttpTools.squid();
        HttpTools.curl();
        origin = new TestOrigin();
        HttpConfig limits = new HttpConfig(null, 1 << 20, tmp.resolve("spool"), 10, 2, Duration.ofSeconds(30),
                Duration.ofSeconds(5), null, new HttpConfig.Tls(null, List.of("all"), List.of(), null, Duration.ofDays(1), 10));
        icap = IcapServer.start(new IcapConfig(new HostPort("127.0.0.1", 0), 1024, 10), limits, processor);
        // Squid drops root privileges: its folder must be writable by its own user.
        squidDir = Files.createTempDirectory("sekisho-squid-");
        Files.setPosixFilePermissions(squidDir, PosixFilePermissions.fromString("rwxrwxrwx"));
        squidPort = HttpTools.freePort();
        String snippet = Files.readString(Path.of("..", "deploy", "squid-icap.conf"))
                .replace("icap://127.0.0.1:1344/reqmod", "icap://127.0.0.1:" + icap.address().getPort() + "/reqmod");
        Path conf = squidDir.resolve("squid.conf");
        Files.writeString(conf, "http_port 127.0.0.1:" + squidPort + "\n"
                + "pid_filename " + squidDir.resolve("squid.pid") + "\n"
                + "cache_log " + squidDir.resolve("cache.log") + "\n"
                + "access_log " + squidDir.resolve("access.log") + "\n"
                + "coredump_dir " + squidDir + "\n"
                + "cache deny all\ncache_mem 8 MB\nmemory_pools off\nnetdb_filename none\nshutdown_lifetime 0 seconds\n"
                + "http_access allow localhost\nhttp_access deny all\n"
                + snippet);
        squid = new ProcessBuilder(squidBinary.toString(), "-N", "-f", conf.toString())
                .redirectErrorStream(true).redirectOutput(squidDir.resolve("stdout.log").toFile()).start();
        HttpTools.awaitListening(squidPort, squid);
    }

    @AfterEach
    void stop() throws Exception {
        if (squid != null) {
            squid.destroy();
            if (!squid.waitFor(10, TimeUnit.SECONDS)) {
                squid.destroyForcibly();
                squid.waitFor(5, TimeUnit.SECONDS);
            }
        }
        if (icap != null) {
            icap.close();
        }
        if (origin != null) {
            origin.close();
        }
        if (squidDir != null) {
            try (Stream<Path> s = Files.walk(squidDir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private HttpTools.Result curl(String... args) throws IOException, InterruptedException {
        return HttpTools.curl("http://127.0.0.1:" + squidPort, args);
    }

    private String squidLog() throws IOException {
        return Files.readString(squidDir.resolve("cache.log"));
    }

    @Test
    void cleanUploadThroughSquidIsAllowedWith204() throws Exception {
        Path f = tmp.resolve("report.txt");
        Files.writeString(f, "Quarterly figures, nothing secret.\n".repeat(200));
        HttpTools.Result r = curl("-F", "file=@" + f, "http://127.0.0.1:" + origin.port() + "/upload");
        assertThat(r.status()).as(r.output() + squidLog()).isEqualTo(200);
        assertThat(origin.received).hasSize(1);
        assertThat(origin.received.get(0).text()).contains("Quarterly figures");
        assertThat(processor.seen).hasSize(1);
        assertThat(processor.seen.get(0).request().channel().id()).isEqualTo("icap");
        assertThat(processor.seen.get(0).request().clientAddress()).isEqualTo("127.0.0.1");
        assertThat(processor.seen.get(0).parts().get(0).text()).isEqualTo("Quarterly figures, nothing secret.\n".repeat(200));
        assertThat(processor.statuses).containsExactly(204);
    }

    @Test
    void blockedUploadThroughSquidGetsSekishos403AndNeverReachesTheOrigin() throws Exception {
        Path f = tmp.resolve("plan.txt");
        Files.writeString(f, "x".repeat(5000) + MarkerProcessor.BLOCK);
        HttpTools.Result r = curl("-F", "file=@" + f, "http://127.0.0.1:" + origin.port() + "/upload");
        assertThat(r.status()).as(r.output()).isEqualTo(403);
        assertThat(r.output()).contains("Upload blocked").contains(processor.seen.get(0).request().transferId());
        assertThat(origin.received).isEmpty();
    }

    @Test
    void smallBodyInsideThePreviewIsInspectedToo() throws Exception {
        HttpTools.Result r = curl("-H", "Content-Type: text/plain", "--data-binary", "tiny " + MarkerProcessor.BLOCK,
                "http://127.0.0.1:" + origin.port() + "/small");
        assertThat(r.status()).isEqualTo(403);
        assertThat(origin.received).isEmpty();
        r = curl("-H", "Content-Type: text/plain", "--data-binary", "tiny and clean", "http://127.0.0.1:" + origin.port() + "/small");
        assertThat(r.status()).isEqualTo(200);
        assertThat(origin.received).extracting(TestOrigin.Received::text).containsExactly("tiny and clean");
    }

    @Test
    void sekishoDownIsVisibleToSquidNotASilentAllow() throws Exception {
        icap.close();
        icap = null;
        HttpTools.Result r = curl("--data-binary", "anything", "http://127.0.0.1:" + origin.port() + "/down");
        assertThat(r.status()).isGreaterThanOrEqualTo(500);
        assertThat(origin.received).isEmpty();
    }
}
