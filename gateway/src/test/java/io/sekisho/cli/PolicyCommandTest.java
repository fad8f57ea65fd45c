package io.sekisho.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sekisho policy check|test} as a security team runs them before a policy goes live. */
class PolicyCommandTest {
    private static final String POLICY = """
            destinations:
              internal: [corp.example]
            rules:
              - id: secret-out
                when:
                  destination: [outside]
                  match: {atLeast: secret}
                action: block
            """;

    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return file;
    }

    @Test
    void checkSaysOkWithTheRevisionForAValidPolicy() throws IOException {
        Path policy = write("p.yaml", POLICY);

        Cli check = Cli.run("policy", "check", policy);

        assertThat(check.exitCode()).as(check.err()).isEqualTo(Main.EXIT_OK);
        assertThat(check.out()).startsWith(policy + ": ok (policy p, revision ").contains("1 rules");
    }

    @Test
    void checkNamesFileLineAndKeyOfEveryProblemAndExitsWith2() throws IOException {
        Path policy = write("bad.yaml", POLICY.replace("action: block", "action: blok")
                .replace("atLeast: secret", "atLeast: secert"));

        Cli check = Cli.run("policy", "check", policy);

        assertThat(check.exitCode()).isEqualTo(Main.EXIT_ERROR);
        assertThat(check.err().lines()).containsExactly(
                policy + ":7: rules[0].when.match.atLeast: unknown level 'secert' (levels, highest first: top-secret > secret > confidential)",
                policy + ":8: rules[0].action: unknown action 'blok' (allow, log, tempfail, quarantine or block)");
        assertThat(check.out()).doesNotContain("ok");
    }

    @Test
    void checkValidatesLevelsAgainstACatalogue() throws IOException {
        Path catalogue = dir.resolve("catalogue");
        assertThat(Cli.run("catalogue", "init", "--catalogue", catalogue, "--levels", "gokuhi,hi,shagaihi").exitCode()).isZero();
        Path policy = write("p.yaml", POLICY);

        Cli check = Cli.run("policy", "check", "--catalogue", catalogue, policy);

        assertThat(check.exitCode()).isEqualTo(Main.EXIT_ERROR);
        assertThat(check.err()).contains(policy + ":7: rules[0].when.match.atLeast: unknown level 'secret'")
                .contains("gokuhi > hi > shagaihi");
    }

    @Test
    void testPrintsATranscriptAndExits1OnAFailingCase() throws IOException {
        write("p.yaml", POLICY);
        Path tests = write("p.test.yaml", """
                cases:
                  - note: secret to outside is blocked
                    input:
                      to: [x@outside.example]
                      parts:
                        - name: a.txt
                          matches: [{document: d, classification: secret}]
                    expect: {action: block, rule: secret-out}
                  - note: secret inside is blocked too (wrong on purpose)
                    input:
                      to: [x@corp.example]
                      parts:
                        - name: a.txt
                          matches: [{document: d, classification: secret}]
                    expect: {action: block, rule: secret-out}
                """);

        Cli test = Cli.run("policy", "test", tests);

        assertThat(test.exitCode()).isEqualTo(Main.EXIT_FOUND);
        assertThat(test.out())
                .contains("  ok    secret to outside is blocked  ->  block by secret-out")
                .contains("  FAIL  secret inside is blocked too (wrong on purpose)")
                .contains("expected block by secret-out")
                .contains("got      allow by default")
                .contains("1 test file, 2 cases: 1 passed, 1 failed");
    }

    @Test
    void testRefusesATestFileThatNamesAnUnknownRule() throws IOException {
        write("p.yaml", POLICY);
        Path tests = write("p.test.yaml", """
                cases:
                  - note: names a rule that does not exist
                    input: {to: [x@o.example]}
                    expect: {rule: secret-outside}
                """);

        Cli test = Cli.run("policy", "test", dir);

        assertThat(test.exitCode()).isEqualTo(Main.EXIT_ERROR);
        assertThat(test.err()).contains(tests + ":4: cases[0].expect.rule: the policy has no rule 'secret-outside'");
    }

    @Test
    void testOfAFolderWithoutTestsIsAUsageError() {
        Cli test = Cli.run("policy", "test", dir);

        assertThat(test.exitCode()).isEqualTo(Main.EXIT_ERROR);
        assertThat(test.err()).startsWith("sekisho: no policy test files");
    }
}
