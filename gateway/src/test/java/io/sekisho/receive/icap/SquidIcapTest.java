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
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real Squid in front ({@link Squid}: deploy/squid-icap.conf), Sekisho's ICAP service behind it, curl as the client and a
 * recording origin.
 */
class SquidIcapTest {
    @TempDir
    Path tmp;
    private Squid squid;
    private IcapServer icap;
    private TestOrigin origin;
    private final MarkerProcessor processor = new MarkerProcessor();

    @BeforeEach
    void start() throws Exception {
        HttpTools.squid();
        HttpTools.curl();
        origin = new TestOrigin();
        HttpConfig limits = new HttpConfig(null, 1 << 20, tmp.resolve("spool"), 10, 2, Duration.ofSeconds(30),
                Duration.ofSeconds(5), Duration.ofMinutes(2), null,
                new HttpConfig.Tls(null, List.of("all"), List.of(), null, Duration.ofDays(1), 10));
        icap = IcapServer.start(new IcapConfig(new HostPort("127.0.0.1", 0), 1024, 10), limits, processor);
        squid = Squid.start(icap.address().getPort(), null);
    }

    @AfterEach
    void stop() throws Exception {
        if (squid != null) {
            squid.close();
        }
        if (icap != null) {
            icap.close();
        }
        if (origin != null) {
            origin.close();
        }
    }

    private HttpTools.Result curl(String... args) throws IOException, InterruptedException {
        return HttpTools.curl("http://127.0.0.1:" + squid.port(), args);
    }

    private String squidLog() throws IOException {
        return squid.log();
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
        assertThat(processor.awaitStatuses(1)).containsExactly(204);
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
