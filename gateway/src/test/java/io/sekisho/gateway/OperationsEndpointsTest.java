package io.sekisho.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sekisho.admin.AdminServer;
import io.sekisho.admin.GatewayMeters;
import io.sekisho.admin.Logging;
import io.sekisho.config.ConfigLoader;
import io.sekisho.config.HostPort;
import io.sekisho.config.SekishoConfig;
import io.sekisho.receive.smtp.ExternalTools;
import io.sekisho.receive.smtp.NextHopResult;
import io.sekisho.receive.smtp.SmtpEnvelope;
import io.sekisho.receive.smtp.SmtpRelayClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import io.sekisho.transfer.PartContent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operations endpoints of a running gateway, as a monitoring system and an orchestrator see
 * them: a real HTTP client against {@code admin.listen} on a free loopback port, mail sent to the
 * gateway's SMTP listener over a real connection, the shipped default policy deciding.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperationsEndpointsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "LCD-ALN-0032-alignment-layer.txt";
    private static final Pattern INCIDENT = Pattern.compile("\\[([0-9a-f-]{36})]");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<AutoCloseable> open = new ArrayList<>();
    private GatewayFixture fixture;
    /** A next hop that accepts connections (readiness only connects; nothing is relayed to it). */
    private ServerSocket nextHop;

    @BeforeAll
    void catalogueAndKeys(@TempDir Path shared) throws Exception {
        fixture = new GatewayFixture(shared);
        nextHop = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    @AfterAll
    void closeNextHop() throws Exception {
        nextHop.close();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        open.clear();
        Logging.restoreDefaults();
    }

    /** A gateway with its admin listener, as {@code sekisho serve} starts them. */
    private record Running(Gateway gateway, AdminServer admin) {
    }

    private Running start(String name, int nextHopPort) throws Exception {
        SekishoConfig config = ConfigLoader.load(fixture.config(name, nextHopPort, "admin:\n  listen: 127.0.0.1:0\n"));
        GatewayMeters meters = new GatewayMeters();
        open.add(meters);
        Gateway gateway = Gateway.start(config, meters);
        open.add(gateway);
        AdminServer admin = AdminServer.start(config.admin().listen(), gateway, meters);
        open.add(admin);
        return new Running(gateway, admin);
    }

    private HttpResponse<String> send(Running r, String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(r.admin().url() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(20)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(Running r, String path) throws Exception {
        return send(r, "GET", path);
    }

    /** Relays one mail to the gateway as the company's mail server would; returns the gateway's reply. */
    private static NextHopResult mail(Gateway g, String from, String to, String contentHeaders, String body)
            throws Exception {
        String text = "From: " + from + "\r\nTo: " + to + "\r\nSubject: notes\r\nMessage-ID: <" + UUID.randomUUID()
                + "@corp.example.co.jp>\r\nMIME-Version: 1.0\r\n" + contentHeaders + "\r\n"
                + body.replace("\n", "\r\n") + "\r\n";
        Path file = Files.createTempFile("mail", ".eml");
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
            InetSocketAddress at = g.smtpAddress();
            SmtpRelayClient client = new SmtpRelayClient(new HostPort("127.0.0.1", at.getPort()), "mx.corp.example.co.jp",
                    Duration.ofSeconds(60));
            SmtpEnvelope envelope = new SmtpEnvelope(UUID.randomUUID().toString(), "test", "test",
                    new InetSocketAddress("127.0.0.1", 0), "mx.corp.example.co.jp", from, List.of(to), false, false, true,
                    Files.size(file), Instant.now());
            return client.relay(envelope, "test", PartContent.of(file));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static NextHopResult textMail(Gateway g, String from, String to, String body) throws Exception {
        return mail(g, from, to, "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n", body);
    }

    private NextHopResult blockedMail(Gateway g, String from) throws Exception {
        NextHopResult reply = textMail(g, from, "buyer@example.com",
                "Notes from the meeting.\n" + fixture.excerpt(SECRET, 11, 11));
        assertThat(reply.code()).as(reply.text()).isEqualTo(550);
        return reply;
    }

    /** The value of the one sample of {@code name} whose labels match {@code labels} (a regex). */
    private static double sample(String metrics, String name, String labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{" + labels + "} (\\S+)$").matcher(metrics);
        assertThat(m.find()).as(name + "{" + labels + "} in\n" + metrics).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void healthzIsOkAndReadyzListsEveryCheckWhenTheGatewayCanWork() throws Exception {
        Running r = start("ready", nextHop.getLocalPort());

        HttpResponse<String> health = get(r, "/healthz");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("ok\n");

        HttpResponse<String> ready = get(r, "/readyz");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(ready.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode body = JSON.readTree(ready.body());
        assertThat(body.path("status").asText()).isEqualTo("ready");
        assertThat(body.has("failed")).isFalse();
        JsonNode checks = body.path("checks");
        assertThat(checks.path("catalogue").path("ok").asBoolean()).isTrue();
        assertThat(checks.path("catalogue").path("detail").asText()).isEqualTo(GatewayFixture.DOCUMENTS.length + " documents");
        assertThat(checks.path("policy").path("detail").asText()).startsWith("default revision ");
        assertThat(checks.path("audit").path("ok").asBoolean()).isTrue();
        assertThat(checks.path("nextHop").path("ok").asBoolean()).isTrue();
    }

    @Test
    void readyzIs503NamingTheNextHopWhenItsPortIsClosed() throws Exception {
        Running r = start("no-next-hop", ExternalTools.freePort());

        HttpResponse<String> ready = get(r, "/readyz");

        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
        JsonNode body = JSON.readTree(ready.body());
        assertThat(body.path("status").asText()).isEqualTo("not ready");
        assertThat(body.path("failed")).extracting(JsonNode::asText).containsExactly("nextHop");
        assertThat(body.path("checks").path("nextHop").path("detail").asText()).contains("does not accept connections");
        assertThat(body.path("checks").path("catalogue").path("ok").asBoolean()).isTrue();
        assertThat(get(r, "/healthz").statusCode()).as("alive all the same").isEqualTo(200);
    }

    @Test
    void probesInQuickSuccessionConnectToTheNextHopOnce() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        try (ServerSocket counting = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!counting.isClosed()) {
                    try (Socket s = counting.accept()) {
                        connections.incrementAndGet();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "counting-next-hop");
            acceptor.setDaemon(true);
            acceptor.start();
            Running r = start("cached", counting.getLocalPort());

            for (int i = 0; i < 5; i++) {
                assertThat(get(r, "/readyz").statusCode()).isEqualTo(200);
            }

            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (connections.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(connections.get()).as("one connection for five probes within seconds").isEqualTo(1);
        }
    }

    @Test
    void readyzFailsOnceTheGatewayHasClosedItsStages() throws Exception {
        Running r = start("closed", nextHop.getLocalPort());
        r.gateway().close();

        HttpResponse<String> ready = get(r, "/readyz");

        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(ready.body()).path("failed")).extracting(JsonNode::asText).contains("catalogue", "audit");
    }

    @Test
    void otherPathsAre404AndOtherMethods405() throws Exception {
        Running r = start("paths", nextHop.getLocalPort());

        assertThat(get(r, "/").statusCode()).isEqualTo(404);
        assertThat(get(r, "/healthz/more").statusCode()).isEqualTo(404);
        HttpResponse<String> post = send(r, "POST", "/healthz");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
        assertThat(send(r, "DELETE", "/metrics").statusCode()).isEqualTo(405);
        assertThat(send(r, "HEAD", "/readyz").statusCode()).isEqualTo(200);
    }

    @Test
    void metricsCountBlockedMailItsInspectionAndUninspectableParts() throws Exception {
        Running r = start("metrics", nextHop.getLocalPort());
        String before = get(r, "/metrics").body();
        assertThat(sample(before, "sekisho_transfers_total", "action=\"block\",channel=\"smtp\"")).isZero();

        blockedMail(r.gateway(), "metrics@corp.example.co.jp");
        HttpResponse<String> response = get(r, "/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        String metrics = response.body();
        assertThat(sample(metrics, "sekisho_transfers_total", "action=\"block\",channel=\"smtp\"")).isGreaterThanOrEqualTo(1);
        assertThat(sample(metrics, "sekisho_transfers_total", "action=\"allow\",channel=\"smtp\"")).isZero();
        assertThat(sample(metrics, "sekisho_inspection_duration_seconds_count", "channel=\"smtp\"")).isEqualTo(1);
        assertThat(sample(metrics, "sekisho_inspection_duration_seconds_bucket", "channel=\"smtp\",le=\"\\+Inf\""))
                .isEqualTo(1);
        assertThat(metrics).containsPattern("(?m)^sekisho_inspection_duration_seconds_bucket\\{channel=\"smtp\",le=\"0\\.0\\d+\"} ");
        assertThat(sample(metrics, "sekisho_audit_write_duration_seconds_count", "outcome=\"durable\"")).isGreaterThanOrEqualTo(1);
        assertThat(sample(metrics, "sekisho_inspection_queue", "channel=\"smtp\"")).isZero();
        assertThat(metrics).contains("sekisho_catalogue_documents " + (double) GatewayFixture.DOCUMENTS.length);
        assertThat(metrics).as("the blocked mail's memory is given back").contains("sekisho_smtp_memory_bytes 0.0");
        assertThat(metrics).contains("jvm_memory_used_bytes{").contains("jvm_threads_live_threads ")
                .contains("process_uptime_seconds ").contains("system_cpu_count ");

        NextHopResult encrypted = mail(r.gateway(), "smime@corp.example.co.jp", "partner@example.com",
                "Content-Type: multipart/mixed; boundary=b1\r\n", """
                        --b1
                        Content-Type: text/plain

                        Results attached, encrypted as usual.
                        --b1
                        Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m
                        Content-Transfer-Encoding: base64

                        bm90IHJlYWxseSBTL01JTUU=
                        --b1--""");
        assertThat(encrypted.code()).as("the default policy refuses what it cannot read: %s", encrypted.text())
                .isEqualTo(550);
        String after = get(r, "/metrics").body();
        assertThat(sample(after, "sekisho_extraction_failures_total", "reason=\"encrypted\"")).isEqualTo(1);
        assertThat(sample(after, "sekisho_extraction_failures_total", "reason=\"timed-out\"")).isZero();
        assertThat(sample(after, "sekisho_transfers_total", "action=\"block\",channel=\"smtp\"")).isEqualTo(2);
    }

    @Test
    void jsonLogLinesCarryTheIncidentAndConnectionIdsOfABlockedTransfer() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Logging.configure(new SekishoConfig.LogConfig("json", "info"), log);
        Running r = start("json-log", nextHop.getLocalPort());

        NextHopResult reply = blockedMail(r.gateway(), "json@corp.example.co.jp");
        Matcher id = INCIDENT.matcher(reply.text());
        assertThat(id.find()).as(reply.text()).isTrue();
        String incident = id.group(1);

        List<JsonNode> lines = new ArrayList<>();
        for (String line : log.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                lines.add(JSON.readTree(line));
            }
        }
        assertThat(lines).as("every line is one JSON object").isNotEmpty().allSatisfy(l -> {
            assertThat(l.isObject()).isTrue();
            assertThat(l.path("level").asText()).isNotEmpty();
            assertThat(l.path("timestamp").asLong()).isPositive();
        });
        List<JsonNode> ofIncident = lines.stream()
                .filter(l -> incident.equals(l.path("mdc").path("incidentId").asText())).toList();
        assertThat(ofIncident).as("lines of incident " + incident).anySatisfy(l -> {
            assertThat(l.path("formattedMessage").asText()).contains("block by rule secret-excerpt-external");
            assertThat(l.path("loggerName").asText()).isEqualTo(InspectingMessageProcessor.class.getName());
            assertThat(l.path("mdc").path("connectionId").asText()).isNotEmpty();
        });
    }
}
