package io.sekisho.deploy;

import io.sekisho.receive.smtp.ExternalTools;
import org.testcontainers.containers.GenericContainer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The mail side of the integration tests: the internet stand-in (deploy/compose/postfix as
 * smtp-sink), what it received, swaks submitting to the company's Postfix, and stopping it all.
 */
final class MailPeers {
    private MailPeers() {
    }

    /** The internet: smtp-sink on a loopback port, keeping every message as a file. */
    static GenericContainer<?> internet(int port) {
        GenericContainer<?> sink = new GenericContainer<>(DeployImages.postfix())
                .withNetworkMode("host")
                .withEnv("SINK_LISTEN", "127.0.0.1:" + port)
                .withCommand("sink")
                .waitingFor(LoopbackPorts.listening(port));
        sink.start();
        return sink;
    }

    /** The messages the internet received for one recipient (smtp-sink adds X-Rcpt-Args). */
    static List<String> received(GenericContainer<?> internet, String recipient) throws Exception {
        String all = internet.execInContainer("sh", "-c",
                "grep -l -F 'X-Rcpt-Args: <" + recipient + ">' /var/spool/sink/* 2>/dev/null | xargs -r cat").getStdout();
        return all.isEmpty() ? List.of() : List.of(all.split("(?m)^(?=X-Client-Addr:)"));
    }

    /** swaks from a researcher's address to the company's Postfix, optionally with a text attachment. */
    static ExternalTools.Result swaks(int port, String to, String subject, String body, Path attachment) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ExternalTools.swaks().toString(), "--server", "127.0.0.1:" + port,
                "--from", "researcher@corp.example.co.jp", "--to", to, "--header", "Subject: " + subject, "--body", body));
        if (attachment != null) {
            cmd.addAll(List.of("--attach-type", "text/plain", "--attach", "@" + attachment));
        }
        return ExternalTools.run(cmd);
    }

    /** Stops what was started, in the order given (senders first), skipping what never started. */
    static void stop(GenericContainer<?>... containers) {
        for (GenericContainer<?> c : containers) {
            if (c != null) {
                c.stop();
            }
        }
    }
}
