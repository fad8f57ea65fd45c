package io.sekisho.deploy;

import io.sekisho.receive.smtp.ExternalTools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Sekisho as the outbound relay hop, the way a network admin deploys it: the company's Postfix
 * (container) relays all outgoing mail to the Sekisho container, which relays what it lets through
 * to the internet (Postfix's smtp-sink, container). Mail is submitted to the company's Postfix with
 * swaks; what happened is read where the admin would read it: Postfix's log, the sink's files,
 * Sekisho's audit trail and quarantine.
 */
@RequiresDocker
class MailRelayIT {
    private static final Duration DELIVERY = Duration.ofSeconds(90);
    private static final Pattern QUEUED = Pattern.compile("queued as ([0-9A-F]+)");

    @TempDir
    static Path work;

    static GenericContainer<?> internet;
    static SekishoContainer sekisho;
    static GenericContainer<?> companyMail;
    static int companyPort;

    @BeforeAll
    static void startTheMailPath() throws Exception {
        int sinkPort = ExternalTools.freePort();
        internet = MailPeers.internet(sinkPort);

        sekisho = new SekishoContainer(work, sinkPort);
        sekisho.start();

        companyPort = ExternalTools.freePort();
        companyMail = new GenericContainer<>(DeployImages.postfix())
                .withNetworkMode("host")
                .withEnv("POSTFIX_LISTEN", "127.0.0.1:" + companyPort)
                .withEnv("POSTFIX_RELAYHOST", "[127.0.0.1]:" + sekisho.smtpPort)
                .withEnv("POSTFIX_MYNETWORKS", "127.0.0.0/8")
                .waitingFor(LoopbackPorts.listening(companyPort));
        companyMail.start();
    }

    @AfterAll
    static void stop() {
        MailPeers.stop(companyMail, sekisho, internet);
    }

    @Test
    void theGatewayRunsAsItsOwnUnprivilegedUser() throws Exception {
        Container.ExecResult id = sekisho.execInContainer("id", "-u");
        assertThat(id.getStdout().trim()).isEqualTo("10001");
    }

    @Test
    void dockerSeesTheGatewayHealthyAndItIsReadyWithItsNextHopUp() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!"healthy".equals(sekisho.health()) && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        assertThat(sekisho.health()).isEqualTo("healthy");
        var ready = sekisho.admin("/readyz");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(ready.body()).contains("\"nextHop\":{\"ok\":true");
    }

    @Test
    void aCleanMailArrivesOnTheInternet() throws Exception {
        String queueId = submit("news@example.com", "Quarterly newsletter",
                "Our plant in Himeji opens its doors to visitors on the first Saturday of May.", null);

        String line = finalStatus(queueId, "news@example.com");
        assertThat(line).contains("status=sent").contains("relayed as");
        assertThat(sinkFilesFor("news@example.com")).singleElement().asString()
                .contains("Quarterly newsletter").contains("X-Sekisho-Inspected");
    }

    @Test
    void aMailLeakingASecretIsRefusedAndTheSendersPostfixReportsTheRefusal() throws Exception {
        Path attachment = SekishoContainer.copy("outgoing/supplier-quote-attachment.txt", Files.createDirectories(work.resolve("out")));
        String queueId = submit("buyer@example.com", "RFQ", "Please quote for the attached.", attachment);

        String line = finalStatus(queueId, "buyer@example.com");
        assertThat(line).contains("status=bounced").contains("said: 550 5.7.1");
        String incident = incidentId(line);
        assertThat(sinkFilesFor("buyer@example.com")).as("nothing reached the recipient").isEmpty();

        Container.ExecResult show = sekisho.sekisho("audit", "show", "/var/lib/sekisho/audit", incident);
        assertThat(show.getExitCode()).as(show.getStderr()).isZero();
        assertThat(show.getStdout()).contains("block").contains("FC-2024-017").contains("buyer@example.com");
        Container.ExecResult verify = sekisho.sekisho("audit", "verify", "/var/lib/sekisho/audit");
        assertThat(verify.getExitCode()).as(verify.getStdout() + verify.getStderr()).isZero();

        // What operations see: the block counted for Prometheus, and a JSON log line carrying
        // the incident id (the container logs JSON: log.format json).
        String metrics = sekisho.admin("/metrics").body();
        assertThat(metrics).containsPattern("sekisho_transfers_total\\{[^}]*action=\"block\"[^}]*channel=\"smtp\"[^}]*} [1-9]");
        assertThat(sekisho.getLogs().lines().filter(l -> l.startsWith("{")).map(MailRelayIT::json))
                .anyMatch(logged -> incident.equals(logged.path("mdc").path("incidentId").asText()));
    }

    private static com.fasterxml.jackson.databind.JsonNode json(String line) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
        } catch (java.io.IOException e) {
            throw new AssertionError("not a JSON log line: " + line, e);
        }
    }

    @Test
    void aConfidentialMailIsHeldInQuarantineNotDelivered() throws Exception {
        Path attachment = SekishoContainer.copy("outgoing/orbital-workplan.txt", Files.createDirectories(work.resolve("out")));
        String queueId = submit("prof@orbital-coatings.example.ac.jp", "Work plan", "The plan, as agreed.", attachment);

        String line = finalStatus(queueId, "prof@orbital-coatings.example.ac.jp");
        assertThat(line).contains("status=sent").contains("Held for review, not delivered");
        String incident = incidentId(line);
        assertThat(sinkFilesFor("prof@orbital-coatings.example.ac.jp")).isEmpty();

        Container.ExecResult list = sekisho.sekisho("quarantine", "list", "--config", "/etc/sekisho/sekisho.yaml");
        assertThat(list.getExitCode()).as(list.getStderr()).isZero();
        assertThat(list.getStdout()).contains(incident).contains("prof@orbital-coatings.example.ac.jp");
    }

    private static String submit(String to, String subject, String body, Path attachment) throws Exception {
        ExternalTools.Result r = MailPeers.swaks(companyPort, to, subject, body, attachment);
        assertThat(r.exitCode()).as(r.output()).isZero();
        Matcher m = QUEUED.matcher(r.output());
        assertThat(m.find()).as("the company's Postfix queued it:\n%s", r.output()).isTrue();
        return m.group(1);
    }

    /** The company Postfix's final word on one recipient: sent, bounced (a deferral is not final). */
    private static String finalStatus(String queueId, String recipient) throws InterruptedException {
        Pattern line = Pattern.compile("(?m)^.*" + queueId + ": to=<" + Pattern.quote(recipient) + ">.*status=(sent|bounced).*$");
        long deadline = System.nanoTime() + DELIVERY.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = line.matcher(companyMail.getLogs());
            if (m.find()) {
                return m.group();
            }
            Thread.sleep(250);
        }
        return fail("Postfix did not finish " + queueId + " to " + recipient + " in " + DELIVERY + ":\n"
                + companyMail.getLogs() + "\nSekisho:\n" + sekisho.getLogs());
    }

    private static String incidentId(String postfixLine) {
        Matcher m = Pattern.compile("\\[([0-9a-f-]{36})]").matcher(postfixLine);
        assertThat(m.find()).as("an incident id in %s", postfixLine).isTrue();
        return m.group(1);
    }

    private static List<String> sinkFilesFor(String recipient) throws Exception {
        return MailPeers.received(internet, recipient);
    }
}
