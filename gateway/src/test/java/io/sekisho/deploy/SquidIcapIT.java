package io.sekisho.deploy;

import io.sekisho.receive.http.HttpTools;
import io.sekisho.receive.http.TestOrigin;
import io.sekisho.receive.smtp.ExternalTools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sekisho as the ICAP service of an existing Squid, both from deploy/ images: Squid (container,
 * configured with deploy/squid-icap.conf) asks the Sekisho container before any upload leaves;
 * curl uploads through Squid to an origin on loopback, which stands for a web service outside the
 * company.
 */
@RequiresDocker
class SquidIcapIT {
    /** An outside destination: Squid's container resolves it to the loopback origin. */
    private static final String OUTSIDE = "uploads.example.com";

    @TempDir
    static Path work;

    static SekishoContainer sekisho;
    static GenericContainer<?> squid;
    static int squidPort;
    static TestOrigin origin;

    @BeforeAll
    static void start() throws Exception {
        origin = new TestOrigin();
        sekisho = new SekishoContainer(work, ExternalTools.freePort());
        sekisho.start();
        squidPort = ExternalTools.freePort();
        squid = squidAsking(squidPort, sekisho.icapPort);
        squid.start();
    }

    @AfterAll
    static void stop() {
        if (squid != null) {
            squid.stop();
        }
        if (sekisho != null) {
            sekisho.stop();
        }
        if (origin != null) {
            origin.close();
        }
    }

    @BeforeEach
    void forgetEarlierUploads() {
        origin.received.clear();
    }

    static GenericContainer<?> squidAsking(int port, int icapPort) {
        return new GenericContainer<>(DeployImages.squid())
                .withNetworkMode("host")
                .withExtraHost(OUTSIDE, "127.0.0.1")
                .withEnv("SQUID_LISTEN", "127.0.0.1:" + port)
                .withEnv("SQUID_CLIENTS", "127.0.0.0/8")
                .withEnv("SEKISHO_ICAP", "icap://127.0.0.1:" + icapPort + "/reqmod")
                .waitingFor(LoopbackPorts.listening(port));
    }

    @Test
    void theGatewayIsAliveButNotReadyWhileItsMailNextHopIsDown() throws Exception {
        // This gateway's smtp.nextHop is a free port nothing listens on.
        assertThat(sekisho.admin("/healthz").statusCode()).isEqualTo(200);
        var ready = sekisho.admin("/readyz");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).contains("\"failed\":[\"nextHop\"]");
    }

    @Test
    void aCleanUploadPassesThroughSquidIntact() throws Exception {
        Path file = Files.writeString(work.resolve("agenda.txt"), "Agenda for the visitors' day at the Himeji plant.\n");
        HttpTools.Result r = upload(squidPort, file);

        assertThat(r.status()).as(r.output()).isEqualTo(200);
        assertThat(origin.received).singleElement().satisfies(got -> assertThat(got.text()).contains("visitors' day at the Himeji plant"));
    }

    @Test
    void anUploadCarryingASecretExcerptIsRefusedAndNeverReachesTheOrigin() throws Exception {
        Path file = SekishoContainer.copy("outgoing/supplier-quote-attachment.txt", Files.createDirectories(work.resolve("out")));
        HttpTools.Result r = upload(squidPort, file);

        assertThat(r.status()).as(r.output()).isEqualTo(403);
        assertThat(r.output()).containsPattern("[0-9a-f]{8}-[0-9a-f]{4}-"); // the incident id on the page
        assertThat(origin.received).isEmpty();
        var query = sekisho.sekisho("audit", "query", "/var/lib/sekisho/audit", "--action", "block");
        assertThat(query.getStdout()).contains("icap").contains(OUTSIDE);
    }

    @Test
    void withSekishoUnreachableSquidRefusesUploadsInsteadOfLettingThemThrough() throws Exception {
        int port = ExternalTools.freePort();
        try (GenericContainer<?> orphan = squidAsking(port, ExternalTools.freePort())) {
            orphan.start();
            Path file = Files.writeString(work.resolve("note.txt"), "Nothing secret here.\n");
            HttpTools.Result r = upload(port, file);

            assertThat(r.status()).as(r.output()).isEqualTo(500);
            assertThat(origin.received).isEmpty();
        }
    }

    private static HttpTools.Result upload(int proxyPort, Path file) throws Exception {
        return HttpTools.curl("http://127.0.0.1:" + proxyPort, "-F", "file=@" + file,
                "http://" + OUTSIDE + ":" + origin.port() + "/upload");
    }
}
