package io.sekisho.deploy;

import io.sekisho.receive.smtp.ExternalTools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sekisho as Postfix's before-queue filter (deploy/postfix/master.cf): the company's Postfix hands
 * each SMTP session to the Sekisho container, which relays accepted mail back into Postfix on a
 * loopback port; Postfix then delivers it (here to smtp-sink). The sending client sees Sekisho's
 * refusal in its own session and nothing refused is queued.
 */
@RequiresDocker
class BeforeQueueFilterIT {
    @TempDir
    static Path work;

    static GenericContainer<?> internet;
    static SekishoContainer sekisho;
    static GenericContainer<?> companyMail;
    static int submissionPort;

    @BeforeAll
    static void start() throws Exception {
        int sinkPort = ExternalTools.freePort();
        internet = MailPeers.internet(sinkPort);

        int reinjectPort = ExternalTools.freePort();
        sekisho = new SekishoContainer(work, reinjectPort);
        sekisho.start();

        submissionPort = ExternalTools.freePort();
        companyMail = new GenericContainer<>(DeployImages.postfix())
                .withNetworkMode("host")
                .withEnv("POSTFIX_LISTEN", "127.0.0.1:" + submissionPort)
                .withEnv("POSTFIX_PROXY_FILTER", "[127.0.0.1]:" + sekisho.smtpPort)
                .withEnv("POSTFIX_REINJECT", "127.0.0.1:" + reinjectPort)
                .withEnv("POSTFIX_RELAYHOST", "[127.0.0.1]:" + sinkPort)
                .waitingFor(LoopbackPorts.listening(submissionPort, reinjectPort));
        companyMail.start();
    }

    @AfterAll
    static void stop() {
        MailPeers.stop(companyMail, sekisho, internet);
    }

    @Test
    void theSenderGetsTheRefusalInItsOwnSessionAndNothingIsQueued() throws Exception {
        Path attachment = SekishoContainer.copy("outgoing/supplier-quote-attachment.txt", Files.createDirectories(work.resolve("out")));
        ExternalTools.Result r = swaks("buyer@example.com", "RFQ", attachment);

        assertThat(r.exitCode()).as(r.output()).isNotZero();
        assertThat(r.output()).contains("<** 550 5.7.1").doesNotContain("queued as");
        Thread.sleep(1000);
        // Postfix logged the refusal it passed on, and never queued the message (no queue id for it).
        assertThat(companyMail.getLogs()).contains("proxy-reject: END-OF-MESSAGE: 550 5.7.1")
                .doesNotContainPattern("[0-9A-F]{6,}: to=<buyer@example.com>");
        assertThat(sink("buyer@example.com")).isEmpty();
    }

    @Test
    void aCleanMailIsHandedBackToPostfixAndDelivered() throws Exception {
        ExternalTools.Result r = swaks("news@example.com", "Open day", null);

        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("queued as");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (sink("news@example.com").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        assertThat(sink("news@example.com")).as(companyMail.getLogs()).contains("Open day").contains("X-Sekisho-Inspected");
    }

    private static ExternalTools.Result swaks(String to, String subject, Path attachment) throws Exception {
        return MailPeers.swaks(submissionPort, to, subject, "Our plant in Himeji opens its doors to visitors in May.", attachment);
    }

    private static String sink(String recipient) throws Exception {
        return String.join("", MailPeers.received(internet, recipient));
    }
}
