package io.sekisho.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sekisho.config.ConfigLoader;
import io.sekisho.receive.http.HostResolver;
import io.sekisho.receive.http.HttpTools;
import io.sekisho.receive.http.TestOrigin;
import io.sekisho.receive.http.TestPki;
import io.sekisho.receive.icap.Squid;
import io.sekisho.testing.Formats;
import io.sekisho.testing.SpoolWatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The upload gateway as deployed: {@code sekisho serve}'s configuration file with only the HTTP
 * proxy and ICAP, the demo's classified documents in a catalogue built with the command line, the
 * shipped default policy with internalDomains [corp.example.co.jp], curl as the browser (directly,
 * or through Squid with ICAP) and a recording origin on loopback. The origin answers under an
 * outside name, {@value #EXTERNAL}, and an internal one, {@value #INTERNAL}: the proxy resolves
 * both to 127.0.0.1 (Squid from a hosts file), and the policy classes the destination by that name.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpGatewayIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EXTERNAL = "upload.example.com";
    private static final String INTERNAL = "files.corp.example.co.jp";
    private static final Set<String> TEST_HOSTS = Set.of(EXTERNAL, INTERNAL);
    private static final HostResolver LOOPBACK_NAMES = host -> TEST_HOSTS.contains(host)
            ? InetAddress.getLoopbackAddress() : HostResolver.SYSTEM.resolve(host);
    private static final String SECRET = "LCD-ALN-0032-alignment-layer.txt";
    private static final String CONFIDENTIAL = "JR-2025-ORB-joint-research-plan.txt";
    private static final String INCIDENT = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    @TempDir
    Path tmp;
    private GatewayFixture fixture;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    void catalogueAndKeys(@TempDir Path shared) throws Exception {
        HttpTools.curl();
        fixture = new GatewayFixture(shared);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        open.clear();
    }

    private <T extends AutoCloseable> T opened(T c) {
        open.add(c);
        return c;
    }

    private Gateway gateway(Path config) throws Exception {
        return opened(Gateway.start(ConfigLoader.load(config), LOOPBACK_NAMES));
    }

    private static String proxy(Gateway g) {
        return "http://127.0.0.1:" + g.httpAddress().getPort();
    }

    /** A file whose only text is a note and an excerpt of a catalogue document, in the given format. */
    private Path upload(String format, String document, int line) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(format + "-" + document.hashCode() + "-" + line));
        String text = "Notes from the meeting.\n" + fixture.excerpt(document, line, line);
        return switch (format) {
            case "docx" -> Files.move(Formats.docx(text, dir), dir.resolve("notes.docx"));
            case "pdf" -> Files.move(Formats.pdf(text, dir), dir.resolve("notes.pdf"));
            case "zip" -> Files.move(Formats.zip(text, dir), dir.resolve("notes.zip"));
            case "gzip" -> {
                Path gz = dir.resolve("notes.txt.gz");
                try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
                    out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
                yield gz;
            }
            default -> throw new IllegalArgumentException(format);
        };
    }

    /** curl's arguments to send the file: a multipart upload, or for gzip a raw body with Content-Encoding: gzip. */
    private static String[] send(String format, Path file, String url) {
        if (format.equals("gzip")) {
            return new String[] {"-H", "Content-Type: text/plain", "-H", "Content-Encoding: gzip",
                    "--data-binary", "@" + file, url};
        }
        return new String[] {"-F", "file=@" + file, url};
    }

    /** The decision records (admin events, such as a quarantine release, left out). */
    private static List<JsonNode> decisions(Path config) throws Exception {
        return records(config).stream().filter(r -> r.path("type").asText().equals("decision")).toList();
    }

    private static List<JsonNode> records(Path config) throws Exception {
        GatewayFixture.Run r = GatewayFixture.cli("audit", "query", config.resolveSibling("audit"),
                "--since", "2000-01-01", "--json").ok();
        List<JsonNode> out = new ArrayList<>();
        for (String line : r.out().lines().filter(l -> !l.isBlank()).toList()) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    private static String incident(String curlOutput) {
        return curlOutput.replaceAll("(?s).*Incident id: <code>(" + INCIDENT + ")</code>.*", "$1");
    }

    @Test
    void cleanMultipartUploadArrivesIntactAndLeavesNoRecord() throws Exception {
        Path config = fixture.uploadConfig("clean", "");
        Gateway g = gateway(config);
        TestOrigin origin = opened(new TestOrigin());
        Path report = Files.writeString(tmp.resolve("report.txt"), "Quarterly figures, nothing secret.\n");

        HttpTools.Result r = HttpTools.curl(proxy(g), "-F", "file=@" + report + ";type=text/plain",
                "-F", "comment=hello there", "http://" + EXTERNAL + ":" + origin.port() + "/upload?x=1");

        assertThat(r.status()).as(r.output()).isEqualTo(200);
        assertThat(origin.received).singleElement().satisfies(got -> {
            assertThat(got.uri()).isEqualTo("/upload?x=1");
            assertThat(got.header("Host")).isEqualTo(EXTERNAL + ":" + origin.port());
            assertThat(got.text()).contains("Quarterly figures, nothing secret.\n").contains("hello there");
        });
        assertThat(records(config)).as("a plain allow leaves no record").isEmpty();
    }

    @Test
    void smallUploadsAreInspectedAndForwardedWithoutAFileInTheSpool() throws Exception {
        Path config = fixture.uploadConfig("in-memory", "");
        Gateway g = gateway(config);
        TestOrigin origin = opened(new TestOrigin());
        Path clean = Files.writeString(tmp.resolve("small-clean.txt"), "Quarterly figures, nothing secret.\n");
        Path secret = Files.writeString(tmp.resolve("small-secret.txt"),
                "Notes from the meeting.\n" + fixture.excerpt(SECRET, 11, 11) + "\n");
        try (SpoolWatch spool = new SpoolWatch(g.config().http().spoolDir())) {
            HttpTools.Result allowed = HttpTools.curl(proxy(g), "-F", "file=@" + clean + ";type=text/plain",
                    "http://" + EXTERNAL + ":" + origin.port() + "/upload");
            // The allowed upload's connection to the origin is kept for http.upstreamKeepAlive (2 s), then closed.
            assertThat(keptWithin(g, 1)).isTrue();
            HttpTools.Result blocked = HttpTools.curl(proxy(g), "-F", "file=@" + secret + ";type=text/plain",
                    "http://" + EXTERNAL + ":" + origin.port() + "/upload");

            assertThat(allowed.status()).as(allowed.output()).isEqualTo(200);
            assertThat(blocked.status()).as(blocked.output()).isEqualTo(403);
            assertThat(spool.created()).as("nothing made in the spool, not even for a moment").isEmpty();
        }
        assertThat(origin.received).singleElement()
                .satisfies(got -> assertThat(got.text()).contains("Quarterly figures, nothing secret."));
        assertThat(g.uploadMemoryInUse()).as("the bodies' memory given back once answered").isZero();
        assertThat(decisions(config)).singleElement().satisfies(rec ->
                assertThat(rec.path("matches").get(0).path("documentId").asText()).isEqualTo("LCD-ALN-0032-alignment-layer"));
        assertThat(keptWithin(g, 0)).isTrue();
    }

    @Test
    void anUploadPastHttpInMemoryBytesGoesToTheSpoolIsStillInspectedAndLeavesNothing() throws Exception {
        // Past http.inMemoryBytes (330 KB against 256 KiB): the body moves to a spool file while it is received.
        assertSpooledInspectedAndGone(fixture.uploadConfig("spilled", "  inMemoryBytes: 256KiB\n"), 5_000);
    }

    @Test
    void anUploadGoesToTheSpoolWhenTheBodiesTogetherHoldAllTheMemoryTheyMay() throws Exception {
        // Under http.inMemoryBytes (130 KB), but past what all bodies may hold together.
        assertSpooledInspectedAndGone(fixture.uploadConfig("total", "  inMemoryTotal: 64KiB\n"), 2_000);
    }

    /** Whether the proxy keeps {@code n} connections to destinations within 10 s (polled). */
    private static boolean keptWithin(Gateway g, int n) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (g.keptUpstreamConnections() != n && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return g.keptUpstreamConnections() == n;
    }

    /** A secret body of {@code lines} lines is refused and a clean one forwarded, both through spool files gone after. */
    private void assertSpooledInspectedAndGone(Path config, int lines) throws Exception {
        Gateway g = gateway(config);
        TestOrigin origin = opened(new TestOrigin());
        String filler = "Figures for the quarter, nothing classified in this line at all.\n".repeat(lines);
        Path clean = Files.writeString(tmp.resolve("large-clean.txt"), filler);
        Path secret = Files.writeString(tmp.resolve("large-secret.txt"),
                filler + "Notes from the meeting.\n" + fixture.excerpt(SECRET, 11, 11) + "\n");
        try (SpoolWatch spool = new SpoolWatch(g.config().http().spoolDir())) {
            HttpTools.Result blocked = HttpTools.curl(proxy(g), "-H", "Content-Type: text/plain",
                    "--data-binary", "@" + secret, "http://" + EXTERNAL + ":" + origin.port() + "/upload");
            HttpTools.Result allowed = HttpTools.curl(proxy(g), "-H", "Content-Type: text/plain",
                    "--data-binary", "@" + clean, "http://" + EXTERNAL + ":" + origin.port() + "/upload");

            assertThat(blocked.status()).as(blocked.output()).isEqualTo(403);
            assertThat(allowed.status()).as(allowed.output()).isEqualTo(200);
            assertThat(spool.created()).anyMatch(name -> name.startsWith("body-"));
            assertThat(spool.left()).as("the spool files are deleted once answered").isEmpty();
        }
        assertThat(origin.received).singleElement()
                .satisfies(got -> assertThat(got.body()).isEqualTo(Files.readAllBytes(clean)));
        assertThat(decisions(config)).singleElement().satisfies(rec ->
                assertThat(rec.path("rule").asText()).isEqualTo("secret-excerpt-external"));
        assertThat(g.uploadMemoryInUse()).as("every body's memory given back").isZero();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"docx", "pdf", "zip", "gzip"})
    void secretExcerptToAnExternalHostIsBlockedWithTheIncidentIdAndNeverReachesTheOrigin(String format) throws Exception {
        Path config = fixture.uploadConfig("block-" + format, "");
        Gateway g = gateway(config);
        TestOrigin origin = opened(new TestOrigin());

        HttpTools.Result r = HttpTools.curl(proxy(g), send(format, upload(format, SECRET, 11),
                "http://" + EXTERNAL + ":" + origin.port() + "/upload"));

        assertThat(r.status()).as(r.output()).isEqualTo(403);
        assertThat(r.output()).contains("Upload blocked", "classified secret or higher").containsPattern(INCIDENT);
        assertThat(origin.received).isEmpty();
        assertThat(records(config)).singleElement().satisfies(rec -> {
            assertThat(rec.path("incident").asText()).isEqualTo(incident(r.output()));
            assertThat(rec.path("channel").asText()).isEqualTo("http");
            assertThat(rec.path("action").asText()).isEqualTo("block");
            assertThat(rec.path("rule").asText()).isEqualTo("secret-excerpt-external");
            assertThat(rec.path("destinations").get(0).asText()).isEqualTo(EXTERNAL);
            assertThat(rec.path("url").asText()).isEqualTo("http://" + EXTERNAL + ":" + origin.port() + "/upload");
            assertThat(rec.path("clientAddress").asText()).isEqualTo("127.0.0.1");
            assertThat(rec.path("sender").asText()).as("without proxy authentication the user is the client address")
                    .isEqualTo("127.0.0.1");
            assertThat(rec.path("matches").get(0).path("documentId").asText()).isEqualTo("LCD-ALN-0032-alignment-layer");
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"docx", "pdf", "zip", "gzip"})
    void secretExcerptToAnInternalHostArrivesAndIsLogged(String format) throws Exception {
        Path config = fixture.uploadConfig("internal-" + format, "");
        Gateway g = gateway(config);
        TestOrigin origin = opened(new TestOrigin());
        Path file = upload(format, SECRET, 11);

        HttpTools.Result r = HttpTools.curl(proxy(g), send(format, file, "http://" + INTERNAL + ":" + origin.port() + "/share"));

        assertThat(r.status()).as(r.output()).isEqualTo(200);
        assertThat(origin.received).singleElement().satisfies(got -> {
            if (format.equals("gzip")) {
                assertThat(got.body()).isEqualTo(Files.readAllBytes(file));
                assertThat(got.header("Content-Encoding")).isEqualTo("gzip");
            } else {
                assertThat(got.header("Content-Type")).startsWith("multipart/form-data");
                assertThat(got.body().length).isGreaterThan((int) Files.size(file));
            }
        });
        assertThat(records(config)).singleElement().satisfies(rec -> {
            assertThat(rec.path("action").asText()).isEqualTo("log");
            assertThat(rec.path("rule").asText()).isEqualTo("catalogued-internal");
            assertThat(rec.path("destinations").get(0).asText()).isEqualTo(INTERNAL);
        });
    }

    @Test
    void confidentialExcerptToAnExternalHostIsHeldAndListedInTheQuarantine() throws Exception {
        Path config = fixture.uploadConfig("quarantine", "");
        String incident;
        try (Gateway g = Gateway.start(ConfigLoader.load(config), LOOPBACK_NAMES);
             TestOrigin origin = new TestOrigin()) {
            HttpTools.Result r = HttpTools.curl(proxy(g), "-F", "file=@" + upload("docx", CONFIDENTIAL, 9),
                    "http://" + EXTERNAL + ":" + origin.port() + "/upload");
            assertThat(r.status()).as(r.output()).isEqualTo(403);
            assertThat(r.output()).contains("Upload held for review", "held for review by the security team");
            assertThat(origin.received).isEmpty();
            incident = incident(r.output());
        }
        assertThat(GatewayFixture.cli("quarantine", "list", "--config", config).ok().out())
                .contains(incident, "held", "http", EXTERNAL);
        GatewayFixture.Run show = GatewayFixture.cli("quarantine", "show", "--config", config, incident).ok();
        assertThat(show.out()).contains(InspectingUploadProcessor.REQUEST_PART, "notes.docx");
        GatewayFixture.Run toNextHop = GatewayFixture.cli("quarantine", "release", "--config", config, "--by", "sato",
                "--reason", "approved", incident);
        assertThat(toNextHop.exitCode()).isEqualTo(2);
        assertThat(toNextHop.err()).contains("is an upload (http): give --output DIR");
        Path released = tmp.resolve("released");
        GatewayFixture.cli("quarantine", "release", "--config", config, "--by", "sato", "--reason", "approved",
                "--output", released, incident).ok();
        assertThat(Files.readString(released.resolve("01-" + InspectingUploadProcessor.REQUEST_PART)))
                .startsWith("POST http://" + EXTERNAL + ":").contains("Content-Type: multipart/form-data");
        assertThat(decisions(config)).singleElement().satisfies(rec -> {
            assertThat(rec.path("incident").asText()).isEqualTo(incident);
            assertThat(rec.path("action").asText()).isEqualTo("quarantine");
            assertThat(rec.path("rule").asText()).isEqualTo("confidential-excerpt-external");
        });
    }

    @Test
    void theAuditLogOfAnUploadGatewayRunVerifiesWithItsKey() throws Exception {
        Path config = fixture.uploadConfig("verify", "");
        try (Gateway g = Gateway.start(ConfigLoader.load(config), LOOPBACK_NAMES);
             TestOrigin origin = new TestOrigin()) {
            Path secret = upload("docx", SECRET, 11);
            assertThat(HttpTools.curl(proxy(g), send("docx", secret, "http://" + EXTERNAL + ":" + origin.port() + "/a"))
                    .status()).isEqualTo(403);
            assertThat(HttpTools.curl(proxy(g), send("docx", secret, "http://" + INTERNAL + ":" + origin.port() + "/b"))
                    .status()).isEqualTo(200);
            assertThat(HttpTools.curl(proxy(g), "--data", "a=nothing", "http://" + EXTERNAL + ":" + origin.port() + "/c")
                    .status()).isEqualTo(200);
        }
        GatewayFixture.Run verify = GatewayFixture.cli("audit", "verify", config.resolveSibling("audit"),
                "--public-key", fixture.auditPublicKey).ok();
        assertThat(verify.out()).containsPattern("OK: 3 records, 1 checkpoints, last seq 3, signatures checked with key");
    }

    // ---- HTTPS with interception: curl trusts Sekisho's CA, the proxy trusts the origin's test CA

    @Test
    void interceptedUploadsAreInspectedBlockedOrAllowedOverVerifiedTls() throws Exception {
        TestPki pki = new TestPki("Test origin CA");
        Path ca = tmp.resolve("tls-ca");
        GatewayFixture.cli("ca", "init", "--dir", ca, "--name", "Sekisho test CA").ok();
        Path config = fixture.uploadConfig("tls", "  tls:\n    ca: " + ca + "\n    trustStore: "
                + pki.caPem(tmp.resolve("origin-ca.pem")) + "\n");
        Gateway g = gateway(config);
        TestOrigin origin = opened(new TestOrigin(pki.server(EXTERNAL)));
        String url = "https://" + EXTERNAL + ":" + origin.port() + "/upload";
        Path clean = Files.writeString(tmp.resolve("figures.txt"), "Quarterly figures over TLS.\n");

        HttpTools.Result allowed = HttpTools.curl(proxy(g), "-v", "--cacert", ca.resolve("ca.crt").toString(),
                "-F", "file=@" + clean, url);
        HttpTools.Result blocked = HttpTools.curl(proxy(g), "--cacert", ca.resolve("ca.crt").toString(),
                "-F", "file=@" + upload("docx", SECRET, 11), url);

        assertThat(allowed.status()).as(allowed.output()).isEqualTo(200);
        assertThat(allowed.output()).contains("issuer: CN=Sekisho test CA");
        assertThat(blocked.status()).as(blocked.output()).isEqualTo(403);
        assertThat(blocked.output()).contains("Upload blocked").containsPattern(INCIDENT);
        assertThat(origin.received).singleElement()
                .satisfies(got -> assertThat(got.text()).contains("Quarterly figures over TLS."));
        assertThat(records(config)).singleElement().satisfies(rec -> {
            assertThat(rec.path("action").asText()).isEqualTo("block");
            assertThat(rec.path("url").asText()).isEqualTo(url);
        });
    }

    @Test
    void passThroughTunnelIsRecordedAsUninspectedWithItsByteCounts() throws Exception {
        TestPki pki = new TestPki("Test origin CA");
        Path ca = tmp.resolve("pass-ca");
        GatewayFixture.cli("ca", "init", "--dir", ca, "--name", "Sekisho test CA").ok();
        Path originCa = pki.caPem(tmp.resolve("origin-ca.pem"));
        Path config = fixture.uploadConfig("pass", "  tls:\n    ca: " + ca + "\n    trustStore: " + originCa + "\n"
                + "    passThrough: [" + EXTERNAL + "]\n");
        Gateway g = gateway(config);
        TestOrigin origin = opened(new TestOrigin(pki.server(EXTERNAL)));

        HttpTools.Result r = HttpTools.curl(proxy(g), "--cacert", originCa.toString(),
                "-F", "file=@" + upload("docx", SECRET, 11), "https://" + EXTERNAL + ":" + origin.port() + "/pinned");

        assertThat(r.status()).as(r.output()).isEqualTo(200);
        assertThat(origin.received).hasSize(1);
        List<JsonNode> records = List.of();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (records.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            records = records(config);
        }
        assertThat(records).singleElement().satisfies(rec -> {
            assertThat(rec.path("event").asText()).isEqualTo("uninspected-tunnel");
            assertThat(rec.path("reason").asText()).isEqualTo("pass-through");
            assertThat(rec.path("by").asText()).isEqualTo("sekisho");
            assertThat(rec.path("details").path("host").asText()).isEqualTo(EXTERNAL);
            assertThat(rec.path("details").path("port").asText()).isEqualTo(Integer.toString(origin.port()));
            assertThat(rec.path("details").path("bytesUp").asLong()).isGreaterThan(origin.received.get(0).body().length);
            assertThat(rec.path("details").path("bytesDown").asLong()).isPositive();
        });
    }

    // ---- Squid in front, with ICAP to the same gateway

    @Test
    void squidWithIcapAllowsCleanUploadsAndReturnsSekishos403ForSecretOnes() throws Exception {
        Path config = fixture.uploadConfig("squid", "");
        Gateway g = gateway(config);
        TestOrigin origin = opened(new TestOrigin());
        Squid squid = opened(Squid.start(g.icapAddress().getPort(),
                "127.0.0.1 localhost " + EXTERNAL + " " + INTERNAL + "\n"));
        String viaSquid = "http://127.0.0.1:" + squid.port();
        Path clean = Files.writeString(tmp.resolve("report.txt"), "Quarterly figures, nothing secret.\n".repeat(200));

        HttpTools.Result allowed = HttpTools.curl(viaSquid, "-F", "file=@" + clean,
                "http://" + EXTERNAL + ":" + origin.port() + "/clean");
        HttpTools.Result blocked = HttpTools.curl(viaSquid, "-F", "file=@" + upload("docx", SECRET, 11),
                "http://" + EXTERNAL + ":" + origin.port() + "/secret");

        assertThat(allowed.status()).as(allowed.output() + squid.log()).isEqualTo(200);
        assertThat(blocked.status()).as(blocked.output() + squid.log()).isEqualTo(403);
        assertThat(blocked.output()).contains("Upload blocked").containsPattern(INCIDENT);
        assertThat(origin.received).singleElement().satisfies(got -> assertThat(got.uri()).isEqualTo("/clean"));
        assertThat(records(config)).singleElement().satisfies(rec -> {
            assertThat(rec.path("channel").asText()).isEqualTo("icap");
            assertThat(rec.path("action").asText()).isEqualTo("block");
            assertThat(rec.path("incident").asText()).isEqualTo(incident(blocked.output()));
        });
    }
}
