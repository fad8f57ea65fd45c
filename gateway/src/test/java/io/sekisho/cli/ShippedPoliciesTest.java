package io.sekisho.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The policies shipped in {@code policies/} are valid and pass their own tests: the build fails otherwise. */
class ShippedPoliciesTest {
    private static final Path POLICIES = Path.of("..", "policies");

    @Test
    void everyShippedPolicyIsValid() {
        Cli check = Cli.run("policy", "check", POLICIES);

        assertThat(check.exitCode()).as(check.out() + check.err()).isEqualTo(Main.EXIT_OK);
        assertThat(check.out()).contains("default.yaml: ok").contains("joint-research.yaml: ok")
                .contains("monitor-only.yaml: ok");
    }

    @Test
    void everyShippedPolicyPassesItsTests() {
        Cli test = Cli.run("policy", "test", POLICIES);

        assertThat(test.exitCode()).as(test.out() + test.err()).isEqualTo(Main.EXIT_OK);
        assertThat(test.out()).contains("default.test.yaml").contains("joint-research.test.yaml")
                .contains("monitor-only.test.yaml").contains(" 0 failed");
    }
}
