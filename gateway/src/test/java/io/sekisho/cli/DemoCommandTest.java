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
    void findsTheThreeLeaksAndFlagsNoneOfTheCleanFiles() {
        Path data = tmp.resolve("demo");

        Cli demo = Cli.run("demo", "--data", data);

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
        assertThat(out).contains("Exit code of scan: 1");
    }

    @Test
    void runsAgainOnItsOwnDataFolder() {
        Path data = tmp.resolve("demo");
        assertThat(Cli.run("demo", "--data", data).exitCode()).isZero();

        Cli again = Cli.run("demo", "--data", data);

        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).contains("documents:            4");
    }
}
