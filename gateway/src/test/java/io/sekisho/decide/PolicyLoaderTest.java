package io.sekisho.decide;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PolicyLoaderTest {
    private static final String VALID = """
            policy: p
            destinations:
              internal: [corp.example]
            rules:
              - id: secret-out
                when:
                  destination: [outside]
                  match: {atLeast: secret}
                action: block
            """;

    private static List<String> problems(String yaml) {
        return problems(new PolicyLoader(), yaml);
    }

    private static List<String> problems(PolicyLoader loader, String yaml) {
        try {
            loader.parse("p.yaml", yaml.getBytes(StandardCharsets.UTF_8));
        } catch (PolicyException e) {
            return e.problems().stream().map(PolicyProblem::toString).toList();
        }
        throw new AssertionError("loaded without problems:\n" + yaml);
    }

    @Test
    void aValidPolicyLoadsWithItsRulesAndRevision() throws Exception {
        Policy policy = Transfers.policy(VALID);

        assertThat(policy.name()).isEqualTo("p");
        assertThat(policy.ruleIds()).containsExactly("secret-out");
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(VALID.getBytes(StandardCharsets.UTF_8)));
        assertThat(policy.revision()).isEqualTo(sha.substring(0, 12));
    }

    @Test
    void invalidYamlNamesTheFileAndLine() {
        assertThat(problems("rules:\n  - id: x\n    action: [block\n")).singleElement().asString()
                .startsWith("p.yaml:").contains("invalid YAML");
    }

    @Test
    void anUnknownKeyNamesItsLineKeyAndTheKnownKeys() {
        String yaml = VALID.replace("      destination: [outside]", "      destination: [outside]\n      colour: red");
        assertThat(problems(yaml)).singleElement().asString()
                .startsWith("p.yaml:8: rules[0].when.colour: unknown key 'colour'").contains("destination");
    }

    @Test
    void aWrongTypeSaysWhatWasExpected() {
        String yaml = VALID.replace("match: {atLeast: secret}", "match: {atLeast: secret, minMatchedChars: lots}");
        assertThat(problems(yaml)).singleElement().asString()
                .startsWith("p.yaml:8: rules[0].when.match.minMatchedChars: expected a whole number, got 'lots'");
    }

    @Test
    void anUnknownLevelListsTheLevels() {
        assertThat(problems(VALID.replace("atLeast: secret", "atLeast: sekret"))).singleElement().asString()
                .isEqualTo("p.yaml:8: rules[0].when.match.atLeast: unknown level 'sekret' "
                        + "(levels, highest first: top-secret > secret > confidential)");
    }

    @Test
    void levelsComeFromTheCatalogueWhenOneIsGiven() {
        PolicyLoader forCatalogue = new PolicyLoader(List.of("kimitsu", "gokuhi"));
        assertThat(problems(forCatalogue, VALID)).singleElement().asString().contains("unknown level 'secret'")
                .contains("kimitsu > gokuhi");
        assertThat(forCatalogue.parse("p.yaml", VALID.replace("secret", "gokuhi").getBytes(StandardCharsets.UTF_8))
                .levels()).containsExactly("kimitsu", "gokuhi");
    }

    @Test
    void aPolicyMayDeclareItsOwnLevels() {
        Policy policy = Transfers.policy("levels: [gokuhi, hi, shagaihi]\n" + VALID.replace("secret", "hi"));
        assertThat(policy.levels()).containsExactly("gokuhi", "hi", "shagaihi");
    }

    @Test
    void aBackreferenceIsRejectedWithAClearMessage() {
        String yaml = VALID + "detectors:\n  - id: twice\n    regex: '(\\w+) \\1'\n";
        assertThat(problems(yaml)).singleElement().asString()
                .startsWith("p.yaml:12: detectors[0].regex: backreferences (\\1) are not supported")
                .contains("RE2/J").contains("linear");
    }

    @Test
    void aRegexTheEngineRejectsIsReportedWithTheEnginesReason() {
        String yaml = VALID + "detectors:\n  - id: bad\n    regex: 'a(b'\n";
        assertThat(problems(yaml)).singleElement().asString()
                .startsWith("p.yaml:12: detectors[0].regex: the regex engine (RE2/J) rejects it: missing closing )");
    }

    @Test
    void lookaroundIsRejectedByName() {
        String yaml = VALID + "detectors:\n  - id: bad\n    regex: 'secret(?!ary)'\n";
        assertThat(problems(yaml)).singleElement().asString().contains("lookaround");
    }

    @Test
    void aBadReleaseDateIsReportedAtItsLine() {
        String yaml = VALID + "releases:\n  - id: r\n    tags: [x]\n    to: [partner.example]\n    until: 2026-02-30\n";
        assertThat(problems(yaml)).singleElement().asString()
                .isEqualTo("p.yaml:14: releases[0].until: '2026-02-30' is not a date (yyyy-mm-dd)");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        String yaml = """
                mode: loud
                rules:
                  - id: a
                    when: {destination: [moon], detectors: [nope]}
                    action: explode
                  - id: a
                    when: {}
                    action: log
                    severity: catastrophic
                """;
        assertThat(problems(yaml)).containsExactly(
                "p.yaml:1: mode: unknown mode 'loud' (enforce or simulate)",
                "p.yaml:4: rules[0].when.destination[0]: unknown destination class 'moon' (internal, external, partner, outside)",
                "p.yaml:4: rules[0].when.detectors[0]: no detector with id 'nope' is defined",
                "p.yaml:5: rules[0].action: unknown action 'explode' (allow, log, tempfail, quarantine or block)",
                "p.yaml:6: rules[1].id: 'a' is used twice",
                "p.yaml:9: rules[1].severity: unknown severity 'catastrophic' (info, low, medium, high, critical)");
    }

    @Test
    void aRuleWithoutWhenIsAnErrorRatherThanARuleThatAlwaysFires() {
        assertThat(problems("rules:\n  - id: a\n    action: block\n")).singleElement().asString()
                .contains("rules[0]: a rule needs 'when'");
    }

    @Test
    void anEmptyFileIsAnError() {
        assertThat(problems("")).singleElement().asString().contains("empty");
    }

    @Test
    void duplicateKeysAreAnError() {
        assertThat(problems(VALID + "policy: q\n")).singleElement().asString().contains("policy");
    }
}
