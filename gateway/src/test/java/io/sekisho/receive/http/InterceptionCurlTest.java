package io.sekisho.receive.http;

import io.sekisho.config.HttpConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTPS through the proxy with interception: curl trusts only Sekisho's CA, the origin has a
 * certificate from a test CA that only the proxy's trust store holds.
 */
class InterceptionCurlTest {
    @TempDir
    Path tmp;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final MarkerProcessor processor = new MarkerProcessor();
    private TestPki pki;
    private Path sekishoCa;
    private Path originCa;

    @BeforeEach
    void pki() throws Exception {
        HttpTools.curl();
        pki = new TestPki("Test origin CA");
        originCa = pki.caPem(tmp.resolve("origin-ca.pem"));
        InterceptionCa.create(tmp.resolve("ca"), "Sekisho test CA");
        sekishoCa = tmp.resolve("ca").resolve(InterceptionCa.CERT_FILE);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private String proxy(List<String> passThrough) throws IOException {
        HttpConfig.Tls tls = new HttpConfig.Tls(tmp.resolve("ca"), List.of("all"), passThrough, originCa, Duration.ofHours(2), 10);
        HttpProxyServer s = HttpProxyServer.start(HttpProxyCurlTest.config(tmp, 1 << 20, 2, 10, null, tls), processor);
        open.add(s);
        return "http://127.0.0.1:" + s.address().getPort();
    }

    private TestOrigin origin(javax.net.ssl.SSLContext tls) throws IOException {
        TestOrigin o = new TestOrigin(tls);
        open.add(o);
        return o;
    }

    @Test
    void caKeyIsReadableByItsOwnerOnly() throws Exception {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(tmp.resolve("ca").resolve(InterceptionCa.KEY_FILE));
        assertThat(perms).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        InterceptionCa ca = InterceptionCa.load(tmp.resolve("ca"));
        assertThat(ca.certificate().getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(ca.certificate().getBasicConstraints()).isEqualTo(0);
    }

    @Test
    void interceptedUploadIsInspectedAndForwardedOverVerifiedTls() throws Exception {
        TestOrigin origin = origin(pki.server("localhost"));
        String proxy = proxy(List.of());
        Path f = tmp.resolve("report.txt");
        Files.writeString(f, "Quarterly figures over TLS.\n");
        HttpTools.Result r = HttpTools.curl(proxy, "-v", "--cacert", sekishoCa.toString(), "-F", "file=@" + f,
                "https://localhost:" + origin.port() + "/upload");
        assertThat(r.status()).as(r.output()).isEqualTo(200);
        assertThat(r.output()).contains("ALPN: server accepted http/1.1").contains("issuer: CN=Sekisho test CA");
        assertThat(origin.received.get(0).text()).contains("Quarterly figures over TLS.");
        assertThat(processor.seen.get(0).request().url()).isEqualTo("https://localhost:" + origin.port() + "/upload");
        assertThat(processor.seen.get(0).parts().get(0).text()).isEqualTo("Quarterly figures over TLS.\n");
    }

    @Test
    void interceptedUploadsShareOneVerifiedConnectionToTheDestination() throws Exception {
        // Two uploads through one intercepted tunnel (curl's --next reuses it): the second goes on
        // the TLS connection the first one left kept, so both reach the origin from one port.
        TestOrigin origin = origin(pki.server("localhost"));
        String proxy = proxy(List.of());
        String url = "https://localhost:" + origin.port() + "/upload";
        List<String> cmd = new ArrayList<>();
        for (String body : List.of("first over TLS", "second over TLS")) {
            if (!cmd.isEmpty()) {
                cmd.add("--next");
            }
            cmd.addAll(List.of("-sS", "--max-time", "30", "--noproxy", "", "-x", proxy, "--cacert", sekishoCa.toString(),
                    "-w", "\n%{http_code} %{num_connects}\n", "-H", "Content-Type: text/plain", "--data-binary", body, url));
        }
        cmd.add(0, HttpTools.curl().toString());
        HttpTools.Result r = HttpTools.run(cmd);
        assertThat(r.output()).contains("\n200 1\n").contains("\n200 0\n");
        assertThat(origin.received).extracting(TestOrigin.Received::text).containsExactly("first over TLS", "second over TLS");
        assertThat(origin.received.get(1).clientPort()).isEqualTo(origin.received.get(0).clientPort());
    }

    @Test
    void interceptedBlockGets403AndTheOriginNothing() throws Exception {
        TestOrigin origin = origin(pki.server("localhost"));
        String proxy = proxy(List.of());
        HttpTools.Result r = HttpTools.curl(proxy, "--cacert", sekishoCa.toString(), "-H", "Content-Type: text/plain",
                "--data-binary", "secret " + MarkerProcessor.BLOCK, "https://localhost:" + origin.port() + "/upload");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.output()).contains("Upload blocked");
        assertThat(origin.received).isEmpty();
    }

    @Test
    void expiredUpstreamCertificateGets502() throws Exception {
        Instant now = Instant.now();
        TestOrigin origin = origin(pki.server("localhost", now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1)), false));
        HttpTools.Result r = HttpTools.curl(proxy(List.of()), "--cacert", sekishoCa.toString(), "--data", "a=1",
                "https://localhost:" + origin.port() + "/x");
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.output()).contains("certificate failed verification");
        assertThat(origin.received).isEmpty();
    }

    @Test
    void selfSignedUpstreamCertificateGets502() throws Exception {
        Instant now = Instant.now();
        TestOrigin origin = origin(pki.server("localhost", now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), true));
        HttpTools.Result r = HttpTools.curl(proxy(List.of()), "--cacert", sekishoCa.toString(),
                "https://localhost:" + origin.port() + "/x");
        assertThat(r.status()).isEqualTo(502);
        assertThat(origin.received).isEmpty();
    }

    @Test
    void wrongHostUpstreamCertificateGets502() throws Exception {
        TestOrigin origin = origin(pki.server("other.example"));
        HttpTools.Result r = HttpTools.curl(proxy(List.of()), "--cacert", sekishoCa.toString(),
                "https://localhost:" + origin.port() + "/x");
        assertThat(r.status()).isEqualTo(502);
        assertThat(origin.received).isEmpty();
    }

    @Test
    void passThroughHostIsTunnelledUndecryptedAndReported() throws Exception {
        TestOrigin origin = origin(pki.server("localhost"));
        String proxy = proxy(List.of("localhost"));
        HttpTools.Result r = HttpTools.curl(proxy, "-v", "--cacert", originCa.toString(), "--data-binary",
                "pinned " + MarkerProcessor.BLOCK, "https://localhost:" + origin.port() + "/pinned");
        assertThat(r.status()).as(r.output()).isEqualTo(200);
        assertThat(r.output()).contains("issuer: CN=Test origin CA");
        assertThat(origin.received).hasSize(1);
        assertThat(processor.seen).isEmpty();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (processor.tunnels.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(processor.tunnels).hasSize(1);
        TunnelReport t = processor.tunnels.get(0);
        assertThat(t.reason()).isEqualTo(TunnelReport.PASS_THROUGH);
        assertThat(t.request().host()).isEqualTo("localhost");
        assertThat(t.bytesUp()).isGreaterThan(0);
        assertThat(t.bytesDown()).isGreaterThan(0);
    }
}
