package io.sekisho.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.sekisho.testing.Formats;
import io.sekisho.testing.TextGen;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code scan --policy}: a security team dry-runs the shipped policies on real files against a
 * registered catalogue, and sees the decision each file would get at each destination.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScanWithPolicyTest {
    private static final Path POLICIES = Path.of("..", "policies");
    private static final Path DEFAULT = POLICIES.resolve("default.yaml");

    @TempDir
    static Path tmp;

    private Path catalogue;
    private Path out;
    private Path secretExcerpt;

    @BeforeAll
    void registerCatalogueAndWriteOutgoingFiles() throws IOException {
        Random random = new Random(20260115);
        String secret = TextGen.latin(random, 4000);
        String confidential = TextGen.latin(random, 3000);
        Path docs = tmp.resolve("docs");
        write(docs.resolve("secret/ORB-coating-results.txt"), secret);
        write(docs.resolve("confidential/coating-plan.txt"), confidential);
        catalogue = tmp.resolve("catalogue");
        assertThat(Cli.run("catalogue", "add", "--catalogue", catalogue, "--classification", "secret",
                "--tag", "jr-2025-orb", docs.resolve("secret")).exitCode()).isZero();
        assertThat(Cli.run("catalogue", "add", "--catalogue", catalogue, "--classification", "confidential",
                docs.resolve("confidential")).exitCode()).isZero();

        out = tmp.resolve("out");
        write(out.resolve("a-clean.txt"), TextGen.latin(random, 1500));
        write(out.resolve("b-confidential.txt"), TextGen.latin(random, 500) + "\n"
                + ScanEndToEndTest.excerpt(confidential, 800, 400) + "\n" + TextGen.latin(random, 500));
        Files.move(Formats.encryptedZip(TextGen.latin(random, 800), out), out.resolve("c-encrypted.zip"));
        write(out.resolve("d-marked.txt"), "【社外秘】\n" + TextGen.japanese(random, 600));
        secretExcerpt = write(out.resolve("e-secret.txt"), TextGen.latin(random, 500) + "\n"
                + ScanEndToEndTest.excerpt(secret, 1000, 400) + "\n" + TextGen.latin(random, 500));
    }

    @Test
    void theDefaultPolicyDecidesEachFileSentOutside() {
        Cli scan = Cli.run("scan", "--catalogue", catalogue, "--policy", DEFAULT, "--to", "buyer@panels.example.com",
                "--from", "researcher@corp.example.co.jp", "--json", out);

        assertThat(scan.exitCode()).as(scan.err()).isEqualTo(Main.EXIT_FOUND);
        List<JsonNode> lines = scan.json();
        assertThat(lines).extracting(l -> l.get("decision").get("action").asText() + " " + l.get("decision").get("ruleId").asText())
                .containsExactly(
                        "allow default",
                        "quarantine confidential-excerpt-external",
                        "block uninspectable-external",
                        "log marking-without-catalogue-match",
                        "block secret-excerpt-external");
        assertThat(lines.get(2).get("decision").get("message").asText()).contains("secure-transfer route");
        assertThat(lines.get(4).get("decision").get("severity").asText()).isEqualTo("critical");
        assertThat(lines.get(4).get("decision").get("policyRevision").asText()).hasSize(12);
    }

    @Test
    void aSecretExcerptSentInsideIsLoggedAndExits0() {
        Cli scan = Cli.run("scan", "--catalogue", catalogue, "--policy", DEFAULT,
                "--to", "colleague@lab.corp.example.co.jp", "--json", secretExcerpt);

        assertThat(scan.exitCode()).as(scan.err()).isEqualTo(Main.EXIT_OK);
        JsonNode decision = scan.json().get(0).get("decision");
        assertThat(decision.get("action").asText()).isEqualTo("log");
        assertThat(decision.get("ruleId").asText()).isEqualTo("catalogued-internal");
    }

    @Test
    void aDomainAddedForATrialCountsAsInternal() {
        Cli scan = Cli.run("scan", "--catalogue", catalogue, "--policy", DEFAULT, "--internal-domain", "panels.example.com",
                "--to", "buyer@panels.example.com", secretExcerpt);

        assertThat(scan.exitCode()).as(scan.err()).isEqualTo(Main.EXIT_OK);
        assertThat(scan.out()).contains("decision: LOG by rule catalogued-internal");
    }

    @Test
    void theJointResearchPolicyReleasesTheExcerptToThePartnerOnly() throws IOException {
        Path policy = jointResearchUntil(LocalDate.now().plusYears(1));

        Cli partner = Cli.run("scan", "--catalogue", catalogue, "--policy", policy,
                "--to", "k.sato@orbital-coatings.example.ac.jp", "--json", secretExcerpt);
        Cli other = Cli.run("scan", "--catalogue", catalogue, "--policy", policy,
                "--to", "someone@other-lab.example.com", "--json", secretExcerpt);

        assertThat(partner.exitCode()).as(partner.err()).isEqualTo(Main.EXIT_OK);
        assertThat(partner.json().get(0).get("decision").get("ruleId").asText()).isEqualTo("released-to-partner");
        assertThat(other.exitCode()).isEqualTo(Main.EXIT_FOUND);
        assertThat(other.json().get(0).get("decision").get("ruleId").asText()).isEqualTo("secret-excerpt-external");
    }

    @Test
    void anExpiredReleaseScopeNoLongerReleases() throws IOException {
        Path policy = jointResearchUntil(LocalDate.of(2020, 1, 31));

        Cli partner = Cli.run("scan", "--catalogue", catalogue, "--policy", policy,
                "--to", "k.sato@orbital-coatings.example.ac.jp", "--json", secretExcerpt);

        assertThat(partner.exitCode()).isEqualTo(Main.EXIT_FOUND);
        assertThat(partner.json().get(0).get("decision").get("action").asText()).isEqualTo("block");
    }

    @Test
    void withoutAPolicyTheLinesHaveNoDecision() {
        Cli scan = Cli.run("scan", "--catalogue", catalogue, "--json", secretExcerpt);

        assertThat(scan.exitCode()).isEqualTo(Main.EXIT_FOUND);
        assertThat(scan.json().get(0).has("decision")).isFalse();
    }

    @Test
    void aPolicyNeedsADestination() {
        Cli scan = Cli.run("scan", "--catalogue", catalogue, "--policy", DEFAULT, secretExcerpt);

        assertThat(scan.exitCode()).isEqualTo(Main.EXIT_ERROR);
        assertThat(scan.err()).startsWith("sekisho: --policy needs at least one --to");
    }

    @Test
    void anInvalidPolicyStopsTheScanBeforeAnyFileWithItsLocation() throws IOException {
        Path bad = write(tmp.resolve("bad.yaml"), "rules:\n  - id: x\n    when: {}\n    action: nope\n");

        Cli scan = Cli.run("scan", "--catalogue", catalogue, "--policy", bad, "--to", "a@b.example", secretExcerpt);

        assertThat(scan.exitCode()).isEqualTo(Main.EXIT_ERROR);
        assertThat(scan.out()).isEmpty();
        assertThat(scan.err()).startsWith(bad + ":4: rules[0].action: unknown action 'nope'");
    }

    private Path jointResearchUntil(LocalDate until) throws IOException {
        String yaml = Files.readString(POLICIES.resolve("examples/joint-research.yaml"))
                .replace("until: 2027-03-31", "until: " + until);
        return write(tmp.resolve("joint-research-" + until + ".yaml"), yaml);
    }

    private static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }
}
