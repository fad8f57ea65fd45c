package io.sekisho.cli;

import io.sekisho.admin.AdminServer;
import io.sekisho.admin.GatewayMeters;
import io.sekisho.config.ConfigLoader;
import io.sekisho.config.HostPort;
import io.sekisho.config.SekishoConfig;
import io.sekisho.gateway.Gateway;
import io.sekisho.receive.smtp.NextHopResult;
import io.sekisho.receive.smtp.SmtpEnvelope;
import io.sekisho.receive.smtp.SmtpRelayClient;
import io.sekisho.transfer.PartContent;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

/**
 * The demo's third act: the real gateway on loopback, with a local stand-in for the internet as
 * its next hop, and sample mails sent to it over SMTP as the company's mail server would.
 */
final class DemoGateway {
    private static final String MAIL_SERVER = "mail.corp.example.co.jp";

    /** A sample mail: what it is, who sends it where, and its bytes. */
    private record Sample(String what, String from, String to, byte[] message) {
    }

    private DemoGateway() {
    }

    static int run(PrintWriter out, Path data, int smtpPort, int httpPort, int adminPort, boolean wait) throws Exception {
        try (DemoSink sink = new DemoSink(data.resolve("delivered"));
             DemoOrigin origin = new DemoOrigin(data.resolve("uploaded"));
             GatewayMeters meters = new GatewayMeters()) {
            Path configFile = data.resolve("sekisho.yaml");
            Files.writeString(configFile, config(smtpPort, httpPort, adminPort, sink.address()), StandardCharsets.UTF_8);
            SekishoConfig config = ConfigLoader.load(configFile);
            Gateway gateway = Gateway.start(config, meters);
            AdminServer admin;
            try {
                admin = AdminServer.start(config.admin().listen(), gateway, meters);
            } catch (IOException e) {
                gateway.close();
                throw new UserError(e.getMessage() + " (choose another with --admin-port)");
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                admin.close();
                gateway.close();
                stopped.countDown();
            }, "demo-stop");
            try {
                InetSocketAddress at = gateway.smtpAddress();
                out.println();
                out.println("$ sekisho serve --config " + configFile);
                out.println("  listening on " + at.getHostString() + ":" + at.getPort() + ", relaying to the demo's next hop "
                        + sink.address().getAddress().getHostAddress() + ":" + sink.address().getPort() + " (it saves what it gets in "
                        + data.resolve("delivered") + ")");
                out.println("  policy: " + gateway.policyDescription() + "; internal domain corp.example.co.jp");
                out.println("  operations endpoints: " + admin.url() + "/healthz, /readyz and /metrics");
                out.println();
                out.println("   The company's mail server relays these mails to Sekisho:");
                out.println();
                out.printf("   %-62s %-38s %s%n", "mail", "to", "Sekisho's reply");
                SmtpRelayClient client = new SmtpRelayClient(new HostPort(at.getHostString(), at.getPort()),
                        MAIL_SERVER, Duration.ofSeconds(120));
                for (Sample sample : samples(data.resolve("outgoing"))) {
                    NextHopResult result = client.relay(envelope(sample), "submitted by the demo (Sekisho strips this)",
                            PartContent.of(sample.message()));
                    out.printf("   %s %-38s %d %s%n", columns(sample.what(), 62), sample.to(), result.code(), shorten(result.text()));
                    out.flush();
                }
                out.println();
                out.println("   250 relayed: the next hop accepted it first. 550: refused, nothing left. 250 held: in the quarantine.");
                InetSocketAddress proxy = gateway.httpAddress();
                out.println();
                out.println("   Uploads through the HTTP proxy at " + proxy.getHostString() + ":" + proxy.getPort()
                        + " to a web service outside the company (a local stand-in at " + origin.url() + "):");
                out.println();
                uploads(out, data.resolve("outgoing"), proxy, origin);
                out.println("   Every refusal, quarantine and logged delivery is in the tamper-evident audit log:");
                run(out, "audit", "query", data.resolve("audit").toString());
                run(out, "audit", "verify", data.resolve("audit").toString(),
                        "--public-key", data.resolve("keys/audit.pub").toString());
                out.println();
                out.println("Try it yourself while it runs (swaks is in Debian's swaks package):");
                out.println("  swaks --server 127.0.0.1:" + at.getPort() + " --from you@corp.example.co.jp --to someone@example.com \\");
                out.println("        --attach @" + data.resolve("outgoing/orbital-workplan.txt"));
                out.println("  ./sekisho quarantine list --config " + configFile);
                out.println("  ./sekisho audit query " + data.resolve("audit") + " --action block");
                out.println("  curl " + admin.url() + "/readyz");
                out.println("  curl -s " + admin.url() + "/metrics | grep sekisho_transfers_total");
                if (!wait) {
                    return Main.EXIT_OK;
                }
                Runtime.getRuntime().addShutdownHook(hook);
                out.println();
                out.println("The gateway keeps serving until Ctrl-C.");
                out.flush();
                stopped.await();
                return Main.EXIT_OK;
            } finally {
                if (!wait) {
                    admin.close();
                    gateway.close();
                }
            }
        }
    }

    private static void uploads(PrintWriter out, Path outgoing, InetSocketAddress proxy, DemoOrigin origin)
            throws IOException, InterruptedException {
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .proxy(java.net.ProxySelector.of(proxy)).connectTimeout(Duration.ofSeconds(30)).build();
        String[][] uploads = {
                {"meeting minutes (clean)", "meeting-minutes.txt"},
                {"a Word file quoting FC-2024-017 (top-secret)", "rfq-plates.docx"},
        };
        for (String[] upload : uploads) {
            byte[] body = Files.readAllBytes(outgoing.resolve(upload[1]));
            java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(origin.url()))
                    .header("Content-Type", "application/octet-stream").header("X-File-Name", upload[1])
                    .timeout(Duration.ofSeconds(120))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build();
            java.net.http.HttpResponse<String> response = client.send(request,
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            String incident = response.headers().firstValue("X-Sekisho-Incident").map(id -> " [" + id + "]").orElse("");
            String what = response.statusCode() == 200 ? "arrived (" + body.length + " bytes)" : "refused, nothing sent";
            out.printf("   %s POST %s %d %s%s%n", columns(upload[0], 62), columns(upload[1], 27), response.statusCode(), what, incident);
            out.flush();
        }
    }

    private static String config(int smtpPort, int httpPort, int adminPort, InetSocketAddress sink) {
        return """
                # Written by `sekisho demo`; every key is explained in deploy/sekisho.yaml.
                # Relative paths are resolved against this file's folder.
                catalogue: catalogue
                internalDomains: [corp.example.co.jp]
                instance: demo
                smtp:
                  listen: 127.0.0.1:%d
                  nextHop: 127.0.0.1:%d
                  allowedClients: [127.0.0.0/8]
                  spoolDir: spool
                audit:
                  dir: audit
                  signingKey: keys/audit.key
                  checkpointEvery: 5
                quarantine:
                  dir: quarantine
                  key: keys/quarantine.key
                http:
                  listen: 127.0.0.1:%d
                admin:
                  listen: 127.0.0.1:%d
                """.formatted(smtpPort, sink.getPort(), httpPort, adminPort);
    }

    private static List<Sample> samples(Path outgoing) throws IOException {
        byte[] rfq = Files.readAllBytes(outgoing.resolve("supplier-quote.eml"));
        return List.of(
                new Sample("newsletter (has the shared confidentiality notice)", "news@corp.example.co.jp",
                        "partner@example.com", textMail("news@corp.example.co.jp", "partner@example.com",
                                "Kawasaki site newsletter", DemoFiles.resource("outgoing/newsletter.html"), "text/html")),
                new Sample("RFQ, Word attachment quotes FC-2024-017 (top-secret)", "researcher@corp.example.co.jp",
                        "sales@reactor-parts.example.com", rfq),
                new Sample("the same RFQ to a colleague", "researcher@corp.example.co.jp",
                        "colleague@corp.example.co.jp", rfq),
                new Sample("見積依頼: quotes SC-118 (secret), Japanese", "buyer@corp.example.co.jp",
                        "sales@chemicals.example.cn", textMail("buyer@corp.example.co.jp", "sales@chemicals.example.cn",
                                "洗浄薬液の見積依頼", DemoFiles.resource("outgoing/見積依頼.txt"), "text/plain")),
                new Sample("zip of visit notes quoting LCD-ALN-0032 (secret)", "engineer@corp.example.co.jp",
                        "new-partner@example.com", DemoFiles.mailWithAttachment("engineer@corp.example.co.jp",
                                "new-partner@example.com", "Visit notes", "Notes attached.\n", "himeji-visit.zip",
                                "application/zip", Files.readAllBytes(outgoing.resolve("himeji-visit.zip")))),
                new Sample("work plan quoting JR-2025-ORB (confidential)", "pm@corp.example.co.jp",
                        "prof@orbital-coatings.example.ac.jp", textMail("pm@corp.example.co.jp",
                                "prof@orbital-coatings.example.ac.jp", "Work plan",
                                DemoFiles.resource("outgoing/orbital-workplan.txt"), "text/plain")),
                new Sample("an S/MIME-encrypted attachment (cannot be inspected)", "researcher@corp.example.co.jp",
                        "partner@example.com", DemoFiles.mailWithAttachment("researcher@corp.example.co.jp",
                                "partner@example.com", "Results", "Encrypted, as usual.\n", "smime.p7m",
                                "application/pkcs7-mime; smime-type=enveloped-data",
                                "not really S/MIME, but labelled so".getBytes(StandardCharsets.US_ASCII))));
    }

    private static byte[] textMail(String from, String to, String subject, String body, String type) {
        String mail = "From: " + from + "\r\nTo: " + to + "\r\nSubject: =?UTF-8?B?"
                + java.util.Base64.getEncoder().encodeToString(subject.getBytes(StandardCharsets.UTF_8)) + "?=\r\n"
                + "Date: Thu, 26 Nov 2026 09:00:00 +0900\r\nMessage-ID: <" + UUID.randomUUID() + "@corp.example.co.jp>\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: " + type + "; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                + body.replace("\r\n", "\n").replace("\n", "\r\n");
        return mail.getBytes(StandardCharsets.UTF_8);
    }

    private static SmtpEnvelope envelope(Sample sample) {
        return new SmtpEnvelope(UUID.randomUUID().toString(), "demo", "demo",
                new InetSocketAddress("127.0.0.1", 0), MAIL_SERVER, sample.from(), List.of(sample.to()),
                false, false, true, sample.message().length, Instant.now());
    }

    /** One line; a long policy message is cut in the middle so the incident id at its end stays visible. */
    private static String shorten(String text) {
        String oneLine = text.replaceAll("\\s+", " ").trim();
        int id = oneLine.lastIndexOf(" [");
        if (oneLine.length() <= 110) {
            return oneLine;
        }
        return id > 60 ? oneLine.substring(0, 60) + "..." + oneLine.substring(id) : oneLine.substring(0, 107) + "...";
    }

    private static void run(PrintWriter out, String... args) {
        out.println();
        out.println("$ sekisho " + String.join(" ", args));
        out.flush();
        var cli = Main.commandLine();
        cli.setOut(out);
        cli.execute(args);
    }

    /**
     * Pads to a width in terminal columns: Japanese and other wide characters take two, so
     * {@code %-62s} would push the next column right on the Japanese sample's row.
     */
    static String columns(String text, int width) {
        int used = text.codePoints().map(DemoGateway::cells).sum();
        return used >= width ? text : text + " ".repeat(width - used);
    }

    private static int cells(int cp) {
        Character.UnicodeBlock b = Character.UnicodeBlock.of(cp);
        boolean wide = b == Character.UnicodeBlock.CJK_UNIFIED_IDEOGRAPHS || b == Character.UnicodeBlock.HIRAGANA
                || b == Character.UnicodeBlock.KATAKANA || b == Character.UnicodeBlock.HALFWIDTH_AND_FULLWIDTH_FORMS
                        && cp < 0xFF61
                || b == Character.UnicodeBlock.CJK_SYMBOLS_AND_PUNCTUATION || b == Character.UnicodeBlock.HANGUL_SYLLABLES;
        return wide ? 2 : 1;
    }
}
