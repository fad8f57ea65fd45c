package io.sekisho.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The newcomer's first command: it must show leaks being found, and nothing else flagged. */
class DemoCommandTest {
    @TempDir
    Path tmp;

    @Test
    void scanFindsEveryLeakAndTheGatewayStopsThemRunAfterRun() throws Exception {
        Path data = tmp.resolve("demo");
        // A second run on the same folder must work as the first did: newcomers run it twice.
        assertThat(Cli.run("demo", "--data", data, "--smtp-port", 0, "--http-port", 0, "--admin-port", 0, "--no-wait").exitCode()).isZero();

        Cli demo = Cli.run("demo", "--data", data, "--smtp-port", 0, "--http-port", 0, "--admin-port", 0, "--no-wait");

        assertThat(demo.exitCode()).as(demo.err()).isZero();
        String out = demo.out();
        String outgoing = data.resolve("outgoing") + "/";
        assertThat(out).contains(outgoing + "supplier-quote.eml: inspected, 1 match")
                .contains("FC-2024-017-fluorination-route [top-secret]")
                .contains("at supplier-quote.eml!/rfq-plates.docx");
        assertThat(out).contains(outgoing + "himeji-visit.zip: inspected, 1 match")
                .contains("LCD-ALN-0032-alignment-layer [secret]");
        assertThat(out).contains(outgoing + "見積依頼.txt: inspected, 1 match")
                .contains("半導体洗浄プロセス-SC-118 [secret]");
        assertThat(out).contains(outgoing + "newsletter.html: inspected, no match")
                .contains(outgoing + "meeting-minutes.txt: inspected, no match")
                .contains(outgoing + "public-briefing.txt: inspected, no match");
        assertThat(out).contains(outgoing + "orbital-workplan.txt: inspected, 1 match")
                .contains("JR-2025-ORB-joint-research-plan [confidential]");
        assertThat(replyTo(demo.out(), "RFQ, Word attachment quotes FC-2024-017")).startsWith("550 ");
        assertThat(replyTo(demo.out(), "the same RFQ to a colleague")).startsWith("250 Ok: relayed");
        assertThat(replyTo(demo.out(), "newsletter")).startsWith("250 Ok: relayed");
        assertThat(replyTo(demo.out(), "見積依頼")).startsWith("550 ");
        assertThat(replyTo(demo.out(), "zip of visit notes")).startsWith("550 ");
        assertThat(replyTo(demo.out(), "work plan quoting JR-2025-ORB")).startsWith("250 Held for review");
        assertThat(replyTo(demo.out(), "an S/MIME-encrypted attachment")).startsWith("550 ");
        try (var delivered = java.nio.file.Files.list(data.resolve("delivered"))) {
            assertThat(delivered.count()).as("delivered to the next hop").isEqualTo(2);
        }
        assertThat(demo.out()).contains("7 record(s)").contains("OK: 8 records");
        assertThat(demo.out()).contains("documents:            4");
        assertThat(demo.out()).containsPattern("meeting minutes \\(clean\\) +POST meeting-minutes.txt +200 arrived")
                .containsPattern("a Word file quoting FC-2024-017 \\(top-secret\\) +POST rfq-plates.docx +403 refused, nothing sent \\[");
        try (var uploaded = java.nio.file.Files.list(data.resolve("uploaded"))) {
            assertThat(uploaded.count()).as("only the clean upload reached the web service").isEqualTo(1);
        }
        assertThat(demo.out()).containsPattern("operations endpoints: http://127\\.0\\.0\\.1:\\d+/healthz, /readyz and /metrics");
    }

    private static String replyTo(String out, String mail) {
        return out.lines().filter(l -> l.trim().startsWith(mail)).findFirst()
                .map(l -> l.substring(l.indexOf(" 250 ") >= 0 ? l.indexOf(" 250 ") + 1 : l.indexOf(" 550 ") + 1))
                .orElseThrow(() -> new AssertionError("no line for " + mail + " in\n" + out));
    }
}
